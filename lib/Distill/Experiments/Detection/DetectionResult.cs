using Distill.Training;
using Distill.Training.Detection;

namespace Distill.Experiments.Detection;

/// <summary>summary.json of a finished detection run: final VOC AP at IoU 0.5 (11-point and area, per class), size, cost.</summary>
public sealed record DetectionSummary(
    string Name,
    string Hash,
    int Seed,
    string DataSet,
    string Profile,
    string Detector,
    string? Teacher,
    int Epochs,
    double MeanAp,
    double MeanApArea,
    IReadOnlyDictionary<string, double> AveragePrecision,
    double TrainSeconds,
    long Parameters,
    DateTimeOffset Finished);

/// <summary>A finished detection run as stored: its config, summary, folder, and whether this call reused it.</summary>
public sealed record DetectionResult(DetectionExperiment Config, DetectionSummary Summary, string Folder, bool Reused)
    : IStoredRun<DetectionResult, DetectionExperiment>
{
    /// <summary>Every epoch's metrics, read from metrics.jsonl.</summary>
    public IReadOnlyList<DetectionEpochMetrics> History() => MetricsLog.Read<DetectionEpochMetrics>(Path.Combine(Folder, ResultStore.MetricsFile));

    public static DetectionResult Open(string folder, DetectionExperiment? config, bool reused) =>
        new(config ?? DetectionExperiment.Load(Path.Combine(folder, ResultStore.ConfigFile)), ResultStore.ReadSummary<DetectionSummary>(folder), folder, reused);
}
