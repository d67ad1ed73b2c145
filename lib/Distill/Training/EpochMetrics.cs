using System.Text.Json;
using System.Text.Json.Serialization;

namespace Distill.Training;

/// <summary>
/// One line of metrics.jsonl: everything measured in one epoch. <see cref="Losses"/> holds the weighted total
/// ("total") and every term unweighted under its key ("ce", "kd", ...), averaged over the epoch's steps.
/// Accuracies are fractions in [0, 1].
/// </summary>
public sealed record EpochMetrics(
    int Epoch,
    double LearningRate,
    IReadOnlyDictionary<string, double> Losses,
    double TrainTop1,
    double TestLoss,
    double TestTop1,
    double TestTop5,
    double Seconds,
    double ImagesPerSecond)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public string ToJsonLine() => JsonSerializer.Serialize(this, Json);

    /// <summary>Equal in everything but wall-clock time: what a resumed run must reproduce exactly.</summary>
    public bool SameResultAs(EpochMetrics other) =>
        Epoch == other.Epoch && LearningRate.Equals(other.LearningRate) && TrainTop1.Equals(other.TrainTop1) &&
        TestLoss.Equals(other.TestLoss) && TestTop1.Equals(other.TestTop1) && TestTop5.Equals(other.TestTop5) &&
        Losses.Count == other.Losses.Count && Losses.All(l => other.Losses.TryGetValue(l.Key, out var v) && v.Equals(l.Value));
}

/// <summary>The metrics.jsonl file of a run: one <see cref="EpochMetrics"/> per line, appended after each epoch.</summary>
public sealed class MetricsLog(string path)
{
    public string Path { get; } = path;

    public void Append(EpochMetrics metrics)
    {
        using var stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read);
        using var writer = new StreamWriter(stream);
        writer.Write(metrics.ToJsonLine() + "\n");
        writer.Flush();
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Replaces the file with exactly <paramref name="history"/> (atomically), e.g. when resuming from a checkpoint.</summary>
    public void Rewrite(IEnumerable<EpochMetrics> history) =>
        AtomicFile.Write(Path, stream =>
        {
            using var writer = new StreamWriter(stream, leaveOpen: true);
            foreach (var m in history) writer.Write(m.ToJsonLine() + "\n");
        });

    public static IReadOnlyList<EpochMetrics> Read(string path)
    {
        var result = new List<EpochMetrics>();
        int line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            try
            {
                result.Add(JsonSerializer.Deserialize<EpochMetrics>(text, EpochMetrics.Json)
                           ?? throw new JsonException("null record"));
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{path}, line {line}: not an epoch-metrics record ({e.Message})", e);
            }
        }
        return result;
    }
}
