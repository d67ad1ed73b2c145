using System.Text.Json;
using Distill.Data.Detection;
using Distill.Losses;
using Distill.Models.Detection;
using Distill.Runtime;
using TorchSharp;
using Distill.Training;
using Distill.Training.Detection;

namespace Distill.Experiments.Detection;

/// <summary>
/// Runs detection experiments against a <see cref="ResultStore"/> (one folder "&lt;name&gt;-&lt;hash&gt;" per config:
/// config.json, metrics.jsonl, checkpoints/, summary.json): a finished one is returned from its summary without
/// training, an unfinished one resumes from its newest good checkpoint, <see cref="Force"/> starts afresh. A teacher
/// is the final student of a finished run of the same store, found by name (and seed). Data comes from
/// <see cref="DetectionDataSets"/> under <paramref name="dataRoot"/>.
/// </summary>
public sealed class DetectionRunner(ResultStore store, string dataRoot)
{
    public ResultStore Store => store;
    public string DataRoot => dataRoot;

    /// <summary>Delete any stored result or checkpoint of the config and train from scratch.</summary>
    public bool Force { get; init; }
    public IProgress<DetectionEpochMetrics>? Progress { get; init; }
    public TextWriter? Log { get; init; }

    public string FolderOf(DetectionExperiment e) => Path.Combine(store.Root, $"{e.Name}-{e.Hash}");

    /// <summary>The stored result of <paramref name="e"/> if it finished, else null.</summary>
    public DetectionResult? TryLoad(DetectionExperiment e)
    {
        var folder = FolderOf(e);
        var summary = Path.Combine(folder, ResultStore.SummaryFile);
        return File.Exists(summary) ? new DetectionResult(e, DetectionSummary.Read(summary), folder, Reused: true) : null;
    }

    /// <summary>Runs (or reuses) each experiment in order; teachers must come before their students.</summary>
    public IReadOnlyList<DetectionResult> RunAll(IEnumerable<DetectionExperiment> experiments) => experiments.Select(Run).ToList();

    public DetectionResult Run(DetectionExperiment e)
    {
        var planned = e;
        e = DryRun.Apply(e);
        e.Validate(e.Name);
        if (!Force && TryLoad(e) is { } done) return done;
        var folder = FolderOf(e);
        if (Force && Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        Directory.CreateDirectory(folder);
        AtomicFile.WriteText(Path.Combine(folder, ResultStore.ConfigFile), e.ToJson());

        var (trainSet, testSet) = DetectionDataSets.Open(e.DataSet, dataRoot);
        if (e.TrainImages is int n) trainSet = trainSet.Take(n);
        if (e.TestImages is int m) testSet = testSet.Take(m);
        TorchRuntime.Seed(e.Seed, TorchRuntime.Current.IsCuda);
        using var teacher = e.Teacher is null ? null : LoadDetector(FindFinished(e.Teacher, e.Seed));
        using var trainee = Trainee(e, trainSet.Classes.Count);
        var train = new VocDetectionSource(trainSet, e.ImageSize, e.BatchSize, e.Seed, shuffle: true, flip: e.Flip);
        var test = new VocDetectionSource(testSet, e.ImageSize, e.BatchSize, shuffle: false, flip: false);
        var history = DryRun.Measured(e.DryRun, folder, planned.Epochs, planned.BatchSize, new DetectionTrainer(trainee, teacher, train, test, new DetectionTrainerOptions
        {
            Epochs = e.Epochs, Optimizer = e.Optimizer, Schedule = e.Schedule, Seed = e.Seed, Folder = folder,
            Progress = Progress, Log = Log,
        }).Fit);
        var final = history[^1];
        var summary = new DetectionSummary(e.Name, e.Hash, e.Seed, e.DataSet, e.Profile, e.Detector.Name, e.Teacher, e.Epochs,
            final.MeanAp, final.MeanApArea, final.AveragePrecision, history.Sum(m => m.Seconds),
            trainee.Student.parameters().Sum(p => p.numel()), DateTimeOffset.UtcNow);
        AtomicFile.WriteText(Path.Combine(folder, ResultStore.SummaryFile), JsonSerializer.Serialize(summary, Experiment.Json));
        return new DetectionResult(e, summary, folder, Reused: false);
    }

    /// <summary>
    /// The finished run named <paramref name="name"/>: the one with <paramref name="seed"/>, else the only one.
    /// Errors list what is there.
    /// </summary>
    public DetectionResult FindFinished(string name, int seed)
    {
        var named = !Directory.Exists(store.Root) ? [] : Directory.EnumerateDirectories(store.Root, name + "-*")
            .Where(d => File.Exists(Path.Combine(d, ResultStore.SummaryFile)) && File.Exists(Path.Combine(d, ResultStore.ConfigFile)))
            .Select(d => new DetectionResult(DetectionExperiment.Load(Path.Combine(d, ResultStore.ConfigFile)),
                DetectionSummary.Read(Path.Combine(d, ResultStore.SummaryFile)), d, Reused: true))
            .Where(r => r.Config.Name == name && Equals(r.Config.DryRun, DryRun.Current))
            .ToList();
        if (named.Count == 0)
            throw new InvalidOperationException($"Detection experiment '{name}' has no finished run in {store.Root}. Run it first.");
        return named.SingleOrDefault(r => r.Config.Seed == seed) ?? (named.Count == 1 ? named[0]
            : throw new InvalidOperationException(
                $"Detection experiment '{name}' has no run with seed {seed} and several others: {string.Join(", ", named.Select(r => Path.GetFileName(r.Folder)))}."));
    }

    /// <summary>The detector of a finished run with its final weights, in eval mode on the runtime's device.</summary>
    public FasterRcnn LoadDetector(DetectionResult finished)
    {
        var config = finished.Config;
        int classes = DetectionDataSets.Open(config.DataSet, dataRoot).Train.Classes.Count;
        var trainee = Trainee(config, classes);
        var checkpoints = new CheckpointStore(Path.Combine(finished.Folder, ResultStore.CheckpointsFolder), log: Log);
        if (checkpoints.RestoreLatest(trainee, optimizer: null) is not { } restored)
            throw new InvalidOperationException($"{finished.Folder} has no usable checkpoint to load '{config.Name}' from.");
        if (restored.Header.Epoch + 1 != config.Epochs)
            throw new InvalidOperationException($"{restored.Path} holds epoch {restored.Header.Epoch + 1} of {config.Epochs}; '{config.Name}' is not finished.");
        var detector = trainee.Student;
        detector.to(TorchRuntime.Current.Device);
        detector.eval();
        return detector;
    }

    /// <summary>The student of <paramref name="e"/> and, when it distils, its loss sized from the teacher's backbone width.</summary>
    DetectionTrainee Trainee(DetectionExperiment e, int numClasses)
    {
        var student = e.Detector.Create(numClasses);
        DetectionDistillation? loss = null;
        if (e.Teacher is not null)
        {
            var teacherConfig = FindFinished(e.Teacher, e.Seed).Config;
            loss = new DetectionDistillation(e.Detector.OutChannels, teacherConfig.Detector.OutChannels, e.Distillation);
        }
        return new DetectionTrainee(student, loss);
    }
}
