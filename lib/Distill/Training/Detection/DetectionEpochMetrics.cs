using System.Text.Json;

namespace Distill.Training.Detection;

/// <summary>
/// One line of a detection run's metrics.jsonl: the epoch's learning rate (at its last step), every loss component
/// averaged over the epoch's steps ("rpn_cls", "rpn_reg", "rcn_cls", "rcn_reg", and when distilling "hint" and
/// "bounded", plus the weighted "total"), and the test split's VOC AP at IoU 0.5: per class and mean, 11-point
/// (VOC2007) and area (VOC2010+).
/// </summary>
public sealed record DetectionEpochMetrics(
    int Epoch,
    double LearningRate,
    IReadOnlyDictionary<string, double> Losses,
    double MeanAp,
    double MeanApArea,
    IReadOnlyDictionary<string, double> AveragePrecision,
    double Seconds,
    double ImagesPerSecond)
{
    public string ToJsonLine() => JsonSerializer.Serialize(this, EpochMetrics.Json);

    /// <summary>Equal in everything but wall-clock time: what a resumed run must reproduce exactly.</summary>
    public bool SameResultAs(DetectionEpochMetrics other) =>
        Epoch == other.Epoch && LearningRate.Equals(other.LearningRate) && MeanAp.Equals(other.MeanAp) && MeanApArea.Equals(other.MeanApArea) &&
        Same(Losses, other.Losses) && Same(AveragePrecision, other.AveragePrecision);

    static bool Same(IReadOnlyDictionary<string, double> a, IReadOnlyDictionary<string, double> b) =>
        a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var v) && v.Equals(p.Value));

    /// <summary>Appends one record as a line, flushed to disk.</summary>
    public static void Append(string path, DetectionEpochMetrics metrics)
    {
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        using var writer = new StreamWriter(stream);
        writer.Write(metrics.ToJsonLine() + "\n");
        writer.Flush();
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Replaces the file with exactly <paramref name="history"/>, atomically.</summary>
    public static void Rewrite(string path, IEnumerable<DetectionEpochMetrics> history) =>
        AtomicFile.WriteText(path, string.Concat(history.Select(m => m.ToJsonLine() + "\n")));

    /// <summary>Every record of a metrics.jsonl; a bad line is named by its number.</summary>
    public static IReadOnlyList<DetectionEpochMetrics> Read(string path)
    {
        var result = new List<DetectionEpochMetrics>();
        if (!File.Exists(path)) return result;
        int line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            try
            {
                result.Add(JsonSerializer.Deserialize<DetectionEpochMetrics>(text, EpochMetrics.Json) ?? throw new JsonException("null record"));
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{path}, line {line}: not a detection epoch-metrics record ({e.Message})", e);
            }
        }
        return result;
    }
}
