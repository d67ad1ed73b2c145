using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Distill.Losses;
using Distill.Training;

namespace Distill.Experiments.Detection;

/// <summary>
/// One detection training run as data: data set and splits, image size, the detector, an optional teacher (a
/// finished detection experiment of the same result store, by name) with the distillation weights of Chen et al.
/// (2017), optimiser, schedule, epochs, batch size, seed and profile. Without a teacher the run trains on the plain
/// Faster R-CNN losses (the teacher itself, the student from scratch). Its <see cref="Hash"/> names its folder in
/// the <see cref="ResultStore"/>, so equal configs share one result.
/// </summary>
public sealed record DetectionExperiment
{
    public required string Name { get; init; }
    /// <summary>A name of <see cref="DetectionDataSets"/>: "voc-scenes", "voc2007".</summary>
    public required string DataSet { get; init; }
    public required int ImageSize { get; init; }
    public required DetectorSpec Detector { get; init; }
    public string? Teacher { get; init; }
    public DetectionDistillationSettings? Distillation { get; init; }
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

    /// <summary>12 hex digits of the SHA-256 of the canonical (compact) JSON: the identity of this config.</summary>
    [JsonIgnore]
    public string Hash => Convert.ToHexStringLower(
        SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(this, Compact))))[..12];

    public string ToJson() => JsonSerializer.Serialize(this, Experiment.Json);

    public static DetectionExperiment Load(string path)
    {
        DetectionExperiment? e;
        try { e = JsonSerializer.Deserialize<DetectionExperiment>(File.ReadAllText(path), Experiment.Json); }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: not a valid detection experiment at {ex.Path} (line {ex.LineNumber + 1}): {ex.Message}", ex);
        }
        if (e is null) throw new InvalidDataException($"{path}: empty detection experiment config");
        e.Validate(path);
        return e;
    }

    public void Validate(string source = "detection experiment")
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Name) || Name.IndexOfAny([.. Path.GetInvalidFileNameChars(), ' ']) >= 0)
            problems.Add($"name '{Name}' must be a non-empty file-name-safe word");
        if (string.IsNullOrWhiteSpace(DataSet)) problems.Add("dataSet is missing");
        if (ImageSize < 32) problems.Add($"imageSize must be >= 32 (got {ImageSize})");
        if (Detector is null || Detector.Widths.Count == 0) problems.Add("detector needs at least one backbone stage");
        if ((Teacher is null) != (Distillation is null)) problems.Add("teacher and distillation go together: give both or neither");
        if (Teacher == Name) problems.Add("an experiment cannot be its own teacher");
        if (Epochs <= 0) problems.Add($"epochs must be > 0 (got {Epochs})");
        if (TrainImages <= 0 || TestImages <= 0) problems.Add($"trainImages and testImages must be > 0 when given (got {TrainImages}, {TestImages})");
        if (BatchSize <= 0) problems.Add($"batchSize must be > 0 (got {BatchSize})");
        if (!Profiles.All.Contains(Profile)) problems.Add($"profile '{Profile}' is not one of {string.Join(", ", Profiles.All)}");
        if (problems.Count > 0) throw new InvalidDataException($"{source}: {string.Join("; ", problems)}");
    }

    static readonly JsonSerializerOptions Compact = new(Experiment.Json) { WriteIndented = false };
}
