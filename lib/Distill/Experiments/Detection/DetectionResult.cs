using System.Text.Json;
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
    DateTimeOffset Finished)
{
    internal static DetectionSummary Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<DetectionSummary>(File.ReadAllText(path), Experiment.Json) ?? throw new JsonException("empty");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a detection summary ({e.Message})", e);
        }
    }
}

/// <summary>A finished detection run as stored: its config, summary, folder, and whether this call reused it.</summary>
public sealed record DetectionResult(DetectionExperiment Config, DetectionSummary Summary, string Folder, bool Reused)
{
    /// <summary>Every epoch's metrics, read from metrics.jsonl.</summary>
    public IReadOnlyList<DetectionEpochMetrics> History() => DetectionEpochMetrics.Read(Path.Combine(Folder, ResultStore.MetricsFile));
}
