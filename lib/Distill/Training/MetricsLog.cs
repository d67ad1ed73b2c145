using System.Text.Json;

namespace Distill.Training;

/// <summary>The metrics.jsonl file of a run: one epoch record per line, appended after each epoch, for every task.</summary>
public sealed class MetricsLog(string path)
{
    public string Path { get; } = path;

    public void Append<TMetrics>(TMetrics metrics) where TMetrics : IEpochMetrics
    {
        using var stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read);
        using var writer = new StreamWriter(stream);
        writer.Write(Line(metrics));
        writer.Flush();
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Replaces the file with exactly <paramref name="history"/> (atomically), e.g. when resuming from a checkpoint.</summary>
    public void Rewrite<TMetrics>(IEnumerable<TMetrics> history) where TMetrics : IEpochMetrics =>
        AtomicFile.Write(Path, stream =>
        {
            using var writer = new StreamWriter(stream, leaveOpen: true);
            foreach (var m in history) writer.Write(Line(m));
        });

    static string Line<TMetrics>(TMetrics metrics) => JsonSerializer.Serialize(metrics, EpochMetrics.Json) + "\n";

    /// <summary>Every record of a classifier's metrics.jsonl.</summary>
    public static IReadOnlyList<EpochMetrics> Read(string path) => Read<EpochMetrics>(path);

    /// <summary>Every record of a metrics.jsonl (none when the file is absent); a bad line is named by its number.</summary>
    public static IReadOnlyList<TMetrics> Read<TMetrics>(string path)
    {
        var result = new List<TMetrics>();
        if (!File.Exists(path)) return result;
        int line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            try
            {
                result.Add(JsonSerializer.Deserialize<TMetrics>(text, EpochMetrics.Json) ?? throw new JsonException("null record"));
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{path}, line {line}: not a {typeof(TMetrics).Name} record ({e.Message})", e);
            }
        }
        return result;
    }

    /// <summary>The same keys with bit-identical values.</summary>
    public static bool SameLosses(IReadOnlyDictionary<string, double> a, IReadOnlyDictionary<string, double> b) =>
        a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var v) && v.Equals(p.Value));
}
