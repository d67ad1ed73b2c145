using System.Formats.Tar;
using System.IO.Compression;

namespace DataPrep.Fetch;

/// <summary>
/// Checks of shape rather than bytes: which entries an archive lists, and whether an extracted set holds its
/// required files with the right sizes and (for NumPy .npz files) the right arrays. They accept archives that
/// have no published checksum (ImageNet 64x64) and catch a wrong mirror or a login page early.
/// </summary>
public static class StructureChecks
{
    /// <summary>The first six bytes of every .npy file: 0x93 then "NUMPY".</summary>
    static ReadOnlySpan<byte> NpyMagic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Throws when <paramref name="path"/> (a download of <paramref name="archive"/>) lacks any of its expected entries or is no archive at all.</summary>
    public static async Task CheckArchiveAsync(string path, ArchiveSource archive, CancellationToken cancel = default)
    {
        if (archive.ExpectedEntries.Count == 0) return;
        HashSet<string> listed;
        try
        {
            listed = await ListEntriesAsync(path, archive.Format, cancel);
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or FormatException)
        {
            throw new FetchException($"{archive.FileName} is not a valid {archive.Format} archive: {ex.Message}", ex);
        }
        var missing = archive.ExpectedEntries.Where(e => !listed.Contains(e)).ToList();
        if (missing.Count > 0)
            throw new FetchException($"{archive.FileName} does not have the expected layout: missing {string.Join(", ", missing)} "
                + $"(it lists {listed.Count} entries). Is the URL right?");
    }

    /// <summary>Every entry name of an archive, '/'-separated without "./", reading headers only where the format allows.</summary>
    public static async Task<HashSet<string>> ListEntriesAsync(string path, ArchiveFormat format, CancellationToken cancel = default)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        await using var file = File.OpenRead(path);
        switch (format)
        {
            case ArchiveFormat.Zip:
                using (var zip = new ZipArchive(file, ZipArchiveMode.Read))
                    foreach (var entry in zip.Entries) names.Add(Normalize(entry.FullName));
                break;
            case ArchiveFormat.TarGz:
                await using (var gzip = new GZipStream(file, CompressionMode.Decompress))
                await using (var tar = new TarReader(gzip))
                    while (await tar.GetNextEntryAsync(copyData: false, cancel) is { } entry) names.Add(Normalize(entry.Name));
                break;
            case ArchiveFormat.Tar:
                await using (var tar = new TarReader(file))
                    while (await tar.GetNextEntryAsync(copyData: false, cancel) is { } entry) names.Add(Normalize(entry.Name));
                break;
            case ArchiveFormat.Gzip:
                await using (var gzip = new GZipStream(file, CompressionMode.Decompress))
                    await gzip.CopyToAsync(Stream.Null, cancel);
                names.Add(SafeExtractor.GzipOutputName(Path.GetFileName(path)));
                break;
        }
        return names;
    }

    /// <summary>What is wrong with the required files under <paramref name="folder"/>; empty when all are there and sound.</summary>
    public static List<string> CheckRequiredFiles(string folder, IReadOnlyList<RequiredFile> required)
    {
        var problems = new List<string>();
        foreach (var file in required)
        {
            var full = Path.Combine(folder, file.Path.Replace('/', Path.DirectorySeparatorChar));
            if (!File.Exists(full))
            {
                problems.Add($"{file.Path}: missing");
                continue;
            }
            long size = new FileInfo(full).Length;
            if (file.Size is { } expected && size != expected)
                problems.Add($"{file.Path}: {size} bytes, expected {expected}");
            if (file.NpzArrays is { } arrays) problems.AddRange(CheckNpz(full, file.Path, arrays));
        }
        return problems;
    }

    static List<string> CheckNpz(string full, string name, IReadOnlyList<string> arrays)
    {
        var problems = new List<string>();
        var head = new byte[NpyMagic.Length];
        try
        {
            using var npz = ZipFile.OpenRead(full);
            foreach (var array in arrays)
            {
                var entry = npz.GetEntry(array + ".npy");
                if (entry is null)
                {
                    problems.Add($"{name}: has no array '{array}'");
                    continue;
                }
                using var data = entry.Open();
                if (data.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) < head.Length || !NpyMagic.SequenceEqual(head))
                    problems.Add($"{name}: array '{array}' is not in NumPy .npy format");
            }
        }
        catch (InvalidDataException ex)
        {
            problems.Add($"{name}: not a readable NumPy .npz (zip) file: {ex.Message}");
        }
        return problems;
    }

    static string Normalize(string name) =>
        string.Join('/', name.Split('/', '\\').Where(s => s is not ("" or ".")));
}
