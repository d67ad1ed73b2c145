using System.IO.Compression;

namespace Distill.Data;

/// <summary>
/// A NumPy .npz archive opened for reading: a zip (stored or deflated, zip64 allowed) whose members are .npy arrays.
/// Every failure, from a file that is no zip to a member whose bytes do not match its header, is a
/// <see cref="DataFormatException"/> naming archive/member.
/// </summary>
public sealed class NpzReader : IDisposable
{
    readonly ZipArchive archive;
    readonly Dictionary<string, ZipArchiveEntry> members;

    /// <summary>
    /// Opens the archive and reads its whole central directory now, so every structural fault surfaces here: a member
    /// listed twice, or one whose declared sizes the file's length cannot hold (no allocation ever trusts them).
    /// </summary>
    public NpzReader(string path)
    {
        Path = path;
        var stream = File.OpenRead(path);
        try
        {
            long fileLength = stream.Length;
            if (fileLength == 0) throw new DataFormatException(path, "", "the file is empty");
            archive = new ZipArchive(stream, ZipArchiveMode.Read);
            members = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
            foreach (var entry in archive.Entries)
            {
                if (!members.TryAdd(entry.FullName, entry))
                    throw new DataFormatException(path, "", $"the archive holds two members named '{entry.FullName}'");
                CheckSizes(entry, fileLength);
            }
        }
        catch (Exception e)
        {
            stream.Dispose();
            if (e is InvalidDataException or ArgumentException)
                throw new DataFormatException(path, "", $"not a readable zip/npz archive ({e.Message})", e);
            throw;
        }
    }

    void CheckSizes(ZipArchiveEntry entry, long fileLength)
    {
        if (entry.CompressedLength > fileLength)
            throw new DataFormatException(Path, entry.FullName,
                $"the member declares {entry.CompressedLength} compressed bytes but the archive is only {fileLength} bytes long");
        if (entry.Length > (long)DataFiles.MaxDeflateRatio * entry.CompressedLength + DataFiles.MaxDeflateRatio)
            throw new DataFormatException(Path, entry.FullName,
                $"the member declares {entry.Length} bytes uncompressed from {entry.CompressedLength} compressed bytes, " +
                $"more than deflate's {DataFiles.MaxDeflateRatio}:1 can produce (forged sizes)");
    }

    public string Path { get; }

    /// <summary>Names of the arrays in the archive (member names without ".npy").</summary>
    public IEnumerable<string> Names => members.Keys.Select(n => n.EndsWith(".npy") ? n[..^4] : n);

    public bool Contains(string name) => members.ContainsKey(name + ".npy");

    /// <summary>The header of array <paramref name="name"/>, to check its shape before reading the data.</summary>
    public NpyHeader Header(string name) => Read(name, (_, header, _) => header, wholeMember: false);

    public byte[] ReadUInt8(string name, out NpyHeader header) => Read(name, Npy.ReadUInt8, out header);

    public long[] ReadInt64(string name, out NpyHeader header) => Read(name, Npy.ReadInt64, out header);

    public double[] ReadFloat64(string name, out NpyHeader header) => Read(name, Npy.ReadFloat64, out header);

    T Read<T>(string name, Func<Stream, NpyHeader, string, T> body, out NpyHeader header)
    {
        NpyHeader? seen = null;
        var result = Read(name, (s, h, w) => { seen = h; return body(s, h, w); }, wholeMember: true);
        header = seen!;
        return result;
    }

    /// <summary>
    /// Runs <paramref name="body"/> on the member's stream after its header. With <paramref name="wholeMember"/> the
    /// stream is then read to its end and the CRC-32 of all its bytes compared with the one the archive recorded.
    /// </summary>
    T Read<T>(string name, Func<Stream, NpyHeader, string, T> body, bool wholeMember)
    {
        string where = $"{Path}/{name}.npy";
        if (!members.TryGetValue(name + ".npy", out var entry))
            throw new DataFormatException(Path, "", $"the archive has no array '{name}' (it has: {string.Join(", ", Names)})");
        try
        {
            using var stream = new Crc32Stream(entry.Open());
            var header = Npy.ReadHeader(stream, entry.Length, where);
            var result = body(stream, header, where);
            if (!wholeMember) return result;
            if (stream.ReadByte() != -1)
                throw new DataFormatException(where, DataFormatException.Offset(entry.Length), "the member holds more bytes than it declares");
            if (stream.Crc != entry.Crc32)
                throw new DataFormatException(where, "", $"the data is damaged: its CRC-32 is {stream.Crc:x8}, the archive recorded {entry.Crc32:x8}");
            return result;
        }
        catch (Exception e) when (e is InvalidDataException or IOException && e is not DataFormatException)
        {
            throw new DataFormatException(where, "", $"the archive member is damaged ({e.Message})", e);
        }
    }

    public void Dispose() => archive.Dispose();
}

/// <summary>Writes a .npz archive like numpy.savez: one stored (uncompressed) .npy member per array.</summary>
public sealed class NpzWriter(string path) : IDisposable
{
    readonly ZipArchive archive = new(File.Create(path), ZipArchiveMode.Create);

    /// <summary>Adds a uint8 array of <paramref name="shape"/> whose C-order bytes come in <paramref name="chunks"/>.</summary>
    public void AddUInt8(string name, IReadOnlyList<long> shape, IEnumerable<ReadOnlyMemory<byte>> chunks) =>
        Add(name, s =>
        {
            Npy.WriteHeader(s, NpyType.UInt8, shape);
            foreach (var chunk in chunks) s.Write(chunk.Span);
        });

    public void AddInt64(string name, long[] data) => Add(name, s => Npy.Write(s, data, [data.Length]));

    public void AddFloat64(string name, double[] data, IReadOnlyList<long> shape) => Add(name, s => Npy.Write(s, data, shape));

    void Add(string name, Action<Stream> write)
    {
        using var stream = archive.CreateEntry(name + ".npy", CompressionLevel.NoCompression).Open();
        write(stream);
    }

    public void Dispose() => archive.Dispose();
}
