namespace Distill.Tests.Fuzz;

/// <summary>
/// The valid files of one fuzzed data set in its own folder: each input overwrites one of them with a mutated copy,
/// and <see cref="Restore"/> puts every original back before the next.
/// </summary>
public sealed class FuzzTarget : IDisposable
{
    readonly Dictionary<string, byte[]> originals = new(StringComparer.Ordinal);

    public FuzzTarget(string name) => Root = Directory.CreateTempSubdirectory($"distill-fuzz-{name}-").FullName;

    /// <summary>The data set's folder: no reader may open anything outside it.</summary>
    public string Root { get; }

    /// <summary>Remembers the valid files under <see cref="Root"/> (call once they are written).</summary>
    public void Snapshot()
    {
        foreach (var file in Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories)) originals[file] = File.ReadAllBytes(file);
    }

    public IReadOnlyList<string> Files => originals.Keys.Order(StringComparer.Ordinal).ToList();

    public byte[] Original(string file) => originals[file];

    /// <summary>Bytes of all the valid files together.</summary>
    public long TotalBytes => originals.Values.Sum(b => (long)b.Length);

    public void Restore()
    {
        foreach (var file in Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories))
            if (!originals.ContainsKey(file)) File.Delete(file);
        foreach (var (file, bytes) in originals) File.WriteAllBytes(file, bytes);
    }

    /// <summary>Whether <paramref name="path"/> lies inside <see cref="Root"/> once resolved.</summary>
    public bool Inside(string path) => Path.GetFullPath(path).StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
