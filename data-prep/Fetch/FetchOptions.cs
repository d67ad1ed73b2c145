namespace DataPrep.Fetch;

/// <summary>How one <c>data-prep fetch</c> run downloads: where to, from which mirror, with which credentials.</summary>
public sealed record FetchOptions
{
    /// <summary>The data root; each set lands in root/NAME, its archives in root/downloads/NAME.</summary>
    public required string Root { get; init; }

    /// <summary>A folder URL that replaces every archive's official folder (a mirror, or a test server).</summary>
    public Uri? BaseUrl { get; init; }

    /// <summary>Full URLs for single archives; the last path segment names the archive it replaces.</summary>
    public IReadOnlyList<Uri> Urls { get; init; } = [];

    /// <summary>Extra request headers (a session cookie for image-net.org), sent with every request of the run.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>Download and extract again even when a verified copy exists.</summary>
    public bool Force { get; init; }

    /// <summary>How long to wait for a connection, for response headers, and between two pieces of the body.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Attempts per archive before giving up when the connection drops; each resumes where the last stopped.</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>Pause before the first retry; doubled for each further one.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The URL to download <paramref name="archive"/> of <paramref name="source"/> from.</summary>
    public Uri UrlFor(DatasetSource source, ArchiveSource archive) =>
        Urls.FirstOrDefault(u => Uri.UnescapeDataString(u.AbsolutePath.Split('/')[^1]) == archive.FileName)
        ?? source.UrlOf(archive, BaseUrl);
}
