using System.Security.Cryptography;

namespace DataPrep.Fetch;

/// <summary>The MD5 (what CIFAR and Fashion-MNIST publish) and SHA-256 (what manifests record) of one file.</summary>
public sealed record FileDigests(long Length, string Md5, string Sha256)
{
    /// <summary>Reads <paramref name="path"/> once and returns both digests; <paramref name="onRead"/> hears of every piece read.</summary>
    public static async Task<FileDigests> OfFileAsync(string path, CancellationToken cancel = default, Action<int>? onRead = null)
    {
        using var hasher = new DigestAccumulator();
        await using var stream = OpenSequential(path);
        await hasher.AppendAsync(stream, cancel, onRead);
        return hasher.Finish();
    }

    /// <summary>The SHA-256 of <paramref name="path"/> as lower-case hex; <paramref name="onRead"/> hears of every piece read.</summary>
    public static async Task<string> Sha256OfFileAsync(string path, CancellationToken cancel = default, Action<int>? onRead = null)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var stream = OpenSequential(path);
        var buffer = new byte[1 << 16];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancel)) > 0)
        {
            sha.AppendData(buffer, 0, read);
            onRead?.Invoke(read);
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    static FileStream OpenSequential(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan | FileOptions.Asynchronous);
}

/// <summary>MD5 and SHA-256 computed together over bytes fed in pieces (a download as it arrives).</summary>
public sealed class DigestAccumulator : IDisposable
{
    readonly IncrementalHash md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
    readonly IncrementalHash sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <summary>Bytes fed so far.</summary>
    public long Length { get; private set; }

    /// <summary>Feeds <paramref name="bytes"/>.</summary>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        md5.AppendData(bytes);
        sha256.AppendData(bytes);
        Length += bytes.Length;
    }

    /// <summary>Feeds all of <paramref name="stream"/>; <paramref name="onRead"/> hears of every piece read.</summary>
    public async Task AppendAsync(Stream stream, CancellationToken cancel, Action<int>? onRead = null)
    {
        var buffer = new byte[1 << 16];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancel)) > 0)
        {
            Append(buffer.AsSpan(0, read));
            onRead?.Invoke(read);
        }
    }

    /// <summary>The digests of everything fed.</summary>
    public FileDigests Finish() =>
        new(Length, Convert.ToHexStringLower(md5.GetHashAndReset()), Convert.ToHexStringLower(sha256.GetHashAndReset()));

    public void Dispose()
    {
        md5.Dispose();
        sha256.Dispose();
    }
}
