using System.Text.Json;
using System.Text.Json.Serialization;
using Distill.Losses;
using Distill.Training;

namespace Distill.Experiments.Detection;

/// <summary>
/// One detection training run as data: data set and splits, image size, the detector, an optional teacher (a
/// finished detection experiment of the same result store, by name) with the weighted loss terms of Chen et al.'s
/// objective (<see cref="DetectionDistillation"/>), optimiser, schedule, epochs, batch size, seed and profile. Without
/// a teacher the run trains on the plain Faster R-CNN losses (the teacher itself, the student from scratch).
/// </summary>
public sealed record DetectionExperiment : IExperiment
{
    public required string Name { get; init; }
    /// <summary>A name of <see cref="DetectionDataSets"/>: "voc-scenes", "voc2007".</summary>
    public required string DataSet { get; init; }
    public required int ImageSize { get; init; }
    public required DetectorSpec Detector { get; init; }
    public string? Teacher { get; init; }
    /// <summary>The distillation terms and their weights (<see cref="DetectionDistillation.Names"/>); empty without a teacher.</summary>
    public IReadOnlyList<LossSpec> Losses { get; init; } = [];
    public OptimizerSpec Optimizer { get; init; } = OptimizerSpec.Sgd(0.01, 0.9, 1e-4);
    public ScheduleSpec Schedule { get; init; } = ScheduleSpec.Constant();
    public required int Epochs { get; init; }
    public int BatchSize { get; init; } = 2;
    /// <summary>Random horizontal flips of training images (the only augmentation of Faster R-CNN).</summary>
    public bool Flip { get; init; } = true;
    /// <summary>Train on the first this many images of the training split only (smoke runs); null takes all.</summary>
    public int? TrainImages { get; init; }
    /// <summary>Evaluate on the first this many images of the test split only (smoke runs); null takes all.</summary>
    public int? TestImages { get; init; }
    public int Seed { get; init; }
    public string Profile { get; init; } = Profiles.Smoke;
    /// <summary>DRY RUN ONLY: the cap this run ran under (<see cref="Experiments.DryRun"/>); null, and left out of the JSON, for a real run.</summary>
    public DryRun? DryRun { get; init; }

    [JsonIgnore]
    public string Hash => ExperimentJson.Hash(this);

    public string ToJson() => JsonSerializer.Serialize(this, ExperimentJson.Options);

    public static DetectionExperiment Load(string path) =>
        ExperimentJson.Parse<DetectionExperiment>(File.ReadAllText(path), path, "detection experiment");

    public void Validate(string source = "detection experiment")
    {
        var problems = ExperimentJson.CommonProblems(Name, Epochs, BatchSize, TrainImages, TestImages, Profile);
        if (string.IsNullOrWhiteSpace(DataSet)) problems.Add("dataSet is missing");
        if (ImageSize < 32) problems.Add($"imageSize must be >= 32 (got {ImageSize})");
        if (Detector is null || Detector.Widths.Count == 0) problems.Add("detector needs at least one backbone stage");
        if ((Teacher is null) != (Losses.Count == 0)) problems.Add("teacher and losses go together: give both or neither");
        if (Teacher == Name) problems.Add("an experiment cannot be its own teacher");
        foreach (var unknown in Losses.Select(l => l.Name).Where(n => !DetectionDistillation.Names.Contains(n)))
            problems.Add($"loss term '{unknown}' is not one of {string.Join(", ", DetectionDistillation.Names)}");
        ExperimentJson.Throw(source, problems);
    }
}
