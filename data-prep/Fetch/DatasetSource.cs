namespace DataPrep.Fetch;

/// <summary>How an archive is packed; decides which safe extractor unpacks it.</summary>
public enum ArchiveFormat
{
    /// <summary>A gzip-compressed tar file (.tar.gz, .tgz).</summary>
    TarGz,
    /// <summary>An uncompressed tar file (.tar), as PASCAL VOC ships.</summary>
    Tar,
    /// <summary>A zip file (.zip).</summary>
    Zip,
    /// <summary>One gzip-compressed file (.gz); unpacks to the same name without ".gz".</summary>
    Gzip,
}

/// <summary>A checksum the data set's authors publish for an archive, with the page that publishes it.</summary>
/// <param name="Algorithm">The hash algorithm; only "MD5" and "SHA-256" are understood.</param>
/// <param name="Hex">The digest as hexadecimal text (either case).</param>
/// <param name="PublishedAt">The page where the authors list this value.</param>
public sealed record PublishedChecksum(string Algorithm, string Hex, string PublishedAt)
{
    /// <summary>An MD5 digest as the CIFAR and Fashion-MNIST pages list it.</summary>
    public static PublishedChecksum Md5(string hex, string publishedAt) => new("MD5", hex, publishedAt);

    /// <summary>True when <paramref name="digests"/> holds the published value.</summary>
    public bool Matches(FileDigests digests) =>
        string.Equals(Actual(digests), Hex, StringComparison.OrdinalIgnoreCase);

    /// <summary>The digest of <paramref name="digests"/> in this checksum's algorithm.</summary>
    public string Actual(FileDigests digests) => Algorithm switch
    {
        "MD5" => digests.Md5,
        "SHA-256" => digests.Sha256,
        _ => throw new InvalidOperationException($"Unknown checksum algorithm '{Algorithm}'."),
    };
}

/// <summary>One downloadable archive of a data set.</summary>
/// <param name="FileName">The file name on the server, also its name under downloads/.</param>
/// <param name="Format">How it is packed.</param>
/// <param name="Checksum">The published checksum, or null where the authors publish none.</param>
/// <param name="ExpectedEntries">
/// Entries (paths inside the archive, '/'-separated) that must be present. An archive without a published
/// checksum is accepted on this structure check, and its SHA-256 is recorded for later verify runs.
/// </param>
public sealed record ArchiveSource(
    string FileName, ArchiveFormat Format, PublishedChecksum? Checksum, IReadOnlyList<string> ExpectedEntries);

/// <summary>A file the extracted data set must contain, relative to the data set folder ('/'-separated).</summary>
/// <param name="Path">Where the file lies, in the official folder layout.</param>
/// <param name="Size">Its exact size in bytes where the format fixes it, else null.</param>
/// <param name="NpzArrays">For a NumPy .npz file, the arrays (without ".npy") it must hold; else null.</param>
public sealed record RequiredFile(string Path, long? Size = null, IReadOnlyList<string>? NpzArrays = null);

/// <summary>
/// Where a data set comes from and what a complete copy looks like: the official base URL, its archives with
/// their published checksums, and the files the extracted set must contain.
/// </summary>
/// <param name="Name">The name used on the command line and as the folder name under the data root.</param>
/// <param name="Title">A human title with its citation.</param>
/// <param name="BaseUrl">The official folder URL; an archive's URL is this plus its file name.</param>
/// <param name="Archives">The archives, extracted in order into one folder.</param>
/// <param name="RequiredFiles">What the extracted set must contain.</param>
/// <param name="AccessNote">Non-null when the source needs a user account: how to supply URLs and credentials.</param>
public sealed record DatasetSource(
    string Name,
    string Title,
    Uri BaseUrl,
    IReadOnlyList<ArchiveSource> Archives,
    IReadOnlyList<RequiredFile> RequiredFiles,
    string? AccessNote = null)
{
    /// <summary>The URL of <paramref name="archive"/> under <paramref name="baseUrl"/> (the official one when null).</summary>
    public Uri UrlOf(ArchiveSource archive, Uri? baseUrl = null)
    {
        var folder = baseUrl ?? BaseUrl;
        if (!folder.AbsoluteUri.EndsWith('/')) folder = new Uri(folder.AbsoluteUri + "/");
        return new Uri(folder, Uri.EscapeDataString(archive.FileName));
    }
}
