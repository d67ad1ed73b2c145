namespace DataPrep.Fetch;

/// <summary>A fetch, extraction or verification failure whose message says what, where and what to do next.</summary>
public class FetchException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A downloaded archive whose checksum differs from the published (or recorded) value.</summary>
public sealed class ChecksumMismatchException(string file, Uri url, string algorithm, string expected, string actual)
    : FetchException($"{file} (from {url.ForDisplay()}): {algorithm} checksum mismatch: expected {expected}, got {actual}. "
        + "The download was deleted; run the command again, and if it fails again the source or mirror is damaged.")
{
    public string File { get; } = file;
    public string Expected { get; } = expected;
    public string Actual { get; } = actual;
}

/// <summary>An archive entry that would land outside the data set folder, or that cannot be extracted safely.</summary>
public sealed class UnsafeArchiveException(string archive, string entry, string reason)
    : FetchException($"Refusing to extract {archive}: entry '{entry}' {reason}. Nothing from this archive was kept.")
{
    public string Entry { get; } = entry;
}
