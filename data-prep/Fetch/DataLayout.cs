namespace DataPrep.Fetch;

/// <summary>
/// Where things live under the data root: root/NAME is a complete, verified set (it appears only in one
/// final rename); root/.NAME.partial is extraction in progress; root/downloads/NAME holds the archives
/// (and ".part" files while downloading).
/// </summary>
public sealed record DataLayout(string Root)
{
    /// <summary>The folder of a complete set.</summary>
    public string DatasetFolder(string name) => Path.Combine(Root, name);

    /// <summary>The manifest inside a complete set.</summary>
    public string ManifestPath(string name) => Path.Combine(DatasetFolder(name), DatasetManifest.FileName);

    /// <summary>Where a set is extracted before it is moved into place.</summary>
    public string StagingFolder(string name) => Path.Combine(Root, $".{name}.partial");

    /// <summary>Where a replaced set waits for deletion during a --force swap.</summary>
    public string RetiredFolder(string name) => Path.Combine(Root, $".{name}.old");

    /// <summary>Held while a run works on a set, so two runs never interleave.</summary>
    public string LockPath(string name) => Path.Combine(Root, $".{name}.lock");

    /// <summary>The archives of a set.</summary>
    public string DownloadsFolder(string name) => Path.Combine(Root, "downloads", name);

    /// <summary>An accepted archive.</summary>
    public string ArchivePath(string name, ArchiveSource archive) => Path.Combine(DownloadsFolder(name), archive.FileName);

    /// <summary>An archive being downloaded.</summary>
    public static string PartPath(string archivePath) => archivePath + ".part";

    /// <summary>The SHA-256 recorded for an archive that has no published checksum ("sha256sum -c" format).</summary>
    public static string RecordedSha256Path(string archivePath) => archivePath + ".sha256";
}
