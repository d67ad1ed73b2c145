namespace Distill.Data;

/// <summary>
/// How many records each file of a record-format data set (CIFAR binaries) must hold: the official release's sizes,
/// unless the folder holds <see cref="FileName"/>, which the stand-in writers (<c>data-prep make</c>) leave to declare
/// their smaller files, one "file records" pair per line. A file with records added or removed fails either way.
/// </summary>
static class RecordCounts
{
    public const string FileName = "record-counts.txt";

    /// <summary>The expected count of every file in <paramref name="official"/>, from the folder's declaration if it has one.</summary>
    public static IReadOnlyDictionary<string, long> Expected(string dir, IReadOnlyDictionary<string, long> official)
    {
        var path = Path.Combine(dir, FileName);
        if (!File.Exists(path)) return official;
        var declared = new Dictionary<string, long>(StringComparer.Ordinal);
        int lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Trim().Length == 0) continue;
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2 || !official.ContainsKey(parts[0]) || !long.TryParse(parts[1], out long count) || count < 0)
                throw new DataFormatException(path, $"line {lineNumber}",
                    $"expected 'file records' with file one of {string.Join(", ", official.Keys)}, found '{line}'");
            if (!declared.TryAdd(parts[0], count))
                throw new DataFormatException(path, $"line {lineNumber}", $"{parts[0]} is declared twice");
        }
        var missing = official.Keys.FirstOrDefault(k => !declared.ContainsKey(k));
        if (missing is not null) throw new DataFormatException(path, "", $"no record count for {missing}");
        return declared;
    }

    public static void Write(string dir, IEnumerable<(string File, long Records)> counts) =>
        File.WriteAllText(Path.Combine(dir, FileName), string.Concat(counts.Select(c => $"{c.File} {c.Records}\n")));
}
