namespace Distill.Data;

/// <summary>
/// A data file that does not hold what its format promises. The message always names the file, where in it the
/// problem sits (byte offset, record index or archive member) and what was wrong. Lower-level failures (a damaged
/// gzip or zip stream) are wrapped, so callers catch this one type.
/// </summary>
public sealed class DataFormatException : IOException
{
    public DataFormatException(string path, string where, string problem, Exception? inner = null)
        : base($"{path}: {(where.Length > 0 ? where + ": " : "")}{problem}", inner)
    {
        FilePath = path;
        Where = where;
        Problem = problem;
    }

    /// <summary>The file (or archive member, written archive.npz/member.npy) that is damaged.</summary>
    public string FilePath { get; }

    /// <summary>"offset 16", "record 1234", "header" ... or empty when the whole file is at fault.</summary>
    public string Where { get; }

    public string Problem { get; }

    public static string Offset(long offset) => $"offset {offset}";

    public static string Record(long index, long offset) => $"record {index} (offset {offset})";
}

/// <summary>A data set whose files are not where the catalog looked; the message says which command provides them.</summary>
public sealed class DatasetNotFoundException(string message) : FileNotFoundException(message);
