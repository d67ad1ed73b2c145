using System.Text.Json;

namespace DataPrep.Fetch;

/// <summary>An accepted archive: where it came from (without query string), its size and digests, and what vouched for it.</summary>
/// <param name="Checksum">"published MD5" when the authors' value matched; "recorded SHA-256" when none is published.</param>
public sealed record ArchiveRecord(string File, string Url, long Size, string Md5, string Sha256, string Checksum);

/// <summary>An extracted file of the set, relative to the set folder.</summary>
public sealed record FileRecord(string Path, long Size, string Sha256);

/// <summary>
/// fetch-manifest.json, written into a set's folder just before the folder is moved into place: the archives
/// it came from and the SHA-256 of every extracted file. <c>fetch</c> trusts a set whose files all exist with
/// the recorded sizes; <c>verify</c> re-hashes every file.
/// </summary>
public sealed record DatasetManifest(
    int Format, string Dataset, DateTimeOffset FetchedAt, IReadOnlyList<ArchiveRecord> Archives, IReadOnlyList<FileRecord> Files)
{
    public const string FileName = "fetch-manifest.json";
    public const int CurrentFormat = 1;
    public const string PublishedChecksum = "published";
    public const string RecordedChecksum = "recorded SHA-256 (no published checksum)";

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Reads the manifest at <paramref name="path"/>, with an error naming the file when it is unreadable.</summary>
    public static DatasetManifest Load(string path)
    {
        try
        {
            var manifest = JsonSerializer.Deserialize<DatasetManifest>(File.ReadAllText(path), Json);
            if (manifest is null || manifest.Archives is null || manifest.Files is null || manifest.Dataset is null)
                throw new FetchException($"{path} is not a fetch manifest (fields missing).");
            if (manifest.Format != CurrentFormat)
                throw new FetchException($"{path} has manifest format {manifest.Format}; this data-prep reads format {CurrentFormat}.");
            return manifest;
        }
        catch (JsonException ex)
        {
            throw new FetchException($"{path} is not valid JSON at line {ex.LineNumber + 1}: {ex.Message}", ex);
        }
    }

    /// <summary>Writes the manifest to <paramref name="path"/> (via a temporary file, so it is never half-written).</summary>
    public void Save(string path)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(this, Json));
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>
    /// The fast check: the manifest is for <paramref name="source"/>, its archives carry the catalog's published
    /// checksums, it lists every required file, and every listed file exists with its recorded size.
    /// </summary>
    public List<string> QuickCheck(string folder, DatasetSource source)
    {
        var problems = new List<string>();
        if (!Dataset.Equals(source.Name, StringComparison.OrdinalIgnoreCase))
            problems.Add($"the manifest is for '{Dataset}', not '{source.Name}'");
        foreach (var archive in source.Archives)
        {
            var record = Archives.FirstOrDefault(a => a.File == archive.FileName);
            if (record is null) problems.Add($"the manifest lists no archive {archive.FileName}");
            else if (archive.Checksum is { } published && !published.Matches(new FileDigests(record.Size, record.Md5, record.Sha256)))
                problems.Add($"{archive.FileName} was accepted with {published.Algorithm} {published.Actual(new FileDigests(record.Size, record.Md5, record.Sha256))}, but the catalog now publishes {published.Hex}");
        }
        var listed = Files.Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
        foreach (var required in source.RequiredFiles)
            if (!listed.Contains(required.Path)) problems.Add($"the manifest lists no {required.Path}");
        foreach (var file in Files)
        {
            var full = FullPath(folder, file);
            if (!File.Exists(full)) problems.Add($"{file.Path}: missing");
            else if (new FileInfo(full).Length != file.Size)
                problems.Add($"{file.Path}: {new FileInfo(full).Length} bytes, the manifest says {file.Size}");
        }
        return problems;
    }

    /// <summary>Where <paramref name="file"/> lies under <paramref name="folder"/>; an error for a path that leaves it.</summary>
    public static string FullPath(string folder, FileRecord file)
    {
        if (Path.IsPathRooted(file.Path) || file.Path.Split('/', '\\').Contains(".."))
            throw new FetchException($"{Path.Combine(folder, FileName)} lists '{file.Path}', which is not a path inside the set.");
        return Path.Combine(folder, file.Path.Replace('/', Path.DirectorySeparatorChar));
    }
}
