namespace Distill.Data;

/// <summary>File helpers shared by the readers: locating a data set's files and reading them with errors that name them.</summary>
static class DataFiles
{
    /// <summary>
    /// The most bytes deflate (zip, gzip) can inflate one compressed byte into: 258-byte matches coded in about two bits
    /// give 1032:1. A declared uncompressed size beyond this multiple of the compressed bytes is forged, and no reader
    /// allocates for it.
    /// </summary>
    public const int MaxDeflateRatio = 1032;

    /// <summary>
    /// The folder holding a data set's files: <paramref name="root"/> itself when <paramref name="marker"/> is in it,
    /// else the archive's own sub-folder (e.g. cifar-10-batches-bin) when the marker is there.
    /// </summary>
    public static string Locate(string root, string archiveFolder, string marker, string dataset)
    {
        if (File.Exists(Path.Combine(root, marker))) return root;
        var nested = Path.Combine(root, archiveFolder);
        if (File.Exists(Path.Combine(nested, marker))) return nested;
        throw NotFound(dataset, root, $"{marker} (looked in {root} and {nested})");
    }

    /// <summary>The path of a required file, or a <see cref="DatasetNotFoundException"/> that says how to get it.</summary>
    public static string Require(string folder, string file, string dataset)
    {
        var path = Path.Combine(folder, file);
        return File.Exists(path) ? path : throw NotFound(dataset, folder, path);
    }

    public static DatasetNotFoundException NotFound(string dataset, string root, string missing) =>
        new($"Data set '{dataset}' is incomplete or missing under {root}: {missing} not found. " +
            $"Run `data-prep fetch {dataset}` to download it (or `data-prep make {dataset} --out {root}` for a generated stand-in).");

    /// <summary>All bytes of a file that must not be empty.</summary>
    public static byte[] ReadNonEmpty(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length == 0) throw new DataFormatException(path, "", "the file is empty");
        return bytes;
    }

    /// <summary>Class names, one per non-blank line, exactly <paramref name="expected"/> distinct ones without control characters.</summary>
    public static string[] ReadClassNames(string path, int expected)
    {
        var lines = File.ReadAllLines(path);
        var names = new List<string>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < lines.Length; i++)
        {
            var name = lines[i].Trim();
            if (name.Length == 0) continue;
            if (name.Any(char.IsControl))
                throw new DataFormatException(path, $"line {i + 1}", $"class name '{Printable(name)}' holds control characters");
            if (!seen.TryAdd(name, i + 1))
                throw new DataFormatException(path, $"line {i + 1}", $"class name '{name}' already appears on line {seen[name]}");
            names.Add(name);
        }
        if (names.Count != expected)
            throw new DataFormatException(path, "", $"expected {expected} class names (one per line), found {names.Count}");
        return names.ToArray();
    }

    /// <summary>The text with each control character written as \uXXXX, for error messages.</summary>
    public static string Printable(string text) =>
        string.Concat(text.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));

    public static void WriteClassNames(string path, IReadOnlyList<string> names) =>
        File.WriteAllText(path, string.Concat(names.Select(n => n + "\n")));
}
