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

    public NpzReader(string path)
    {
        Path = path;
        var stream = File.OpenRead(path);
        try
        {
            if (stream.Length == 0) throw new DataFormatException(path, "", "the file is empty");
            archive = new ZipArchive(stream, ZipArchiveMode.Read);
        }
        catch (InvalidDataException e)
        {
            stream.Dispose();
            throw new DataFormatException(path, "", $"not a readable zip/npz archive ({e.Message})", e);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    public string Path { get; }

    /// <summary>Names of the arrays in the archive (member names without ".npy").</summary>
    public IEnumerable<string> Names => archive.Entries.Select(e => e.FullName.EndsWith(".npy") ? e.FullName[..^4] : e.FullName);

    public bool Contains(string name) => archive.GetEntry(name + ".npy") is not null;

    /// <summary>The header of array <paramref name="name"/>, to check its shape before reading the data.</summary>
    public NpyHeader Header(string name) => Read(name, (_, header, _) => header);

    public byte[] ReadUInt8(string name, out NpyHeader header) => Read(name, Npy.ReadUInt8, out header);

    public long[] ReadInt64(string name, out NpyHeader header) => Read(name, Npy.ReadInt64, out header);

    public double[] ReadFloat64(string name, out NpyHeader header) => Read(name, Npy.ReadFloat64, out header);

    T Read<T>(string name, Func<Stream, NpyHeader, string, T> body, out NpyHeader header)
    {
        NpyHeader? seen = null;
        var result = Read(name, (s, h, w) => { seen = h; return body(s, h, w); });
        header = seen!;
        return result;
    }

    T Read<T>(string name, Func<Stream, NpyHeader, string, T> body)
    {
        string where = $"{Path}/{name}.npy";
        var entry = archive.GetEntry(name + ".npy")
            ?? throw new DataFormatException(Path, "", $"the archive has no array '{name}' (it has: {string.Join(", ", Names)})");
        try
        {
            using var stream = entry.Open();
            var header = Npy.ReadHeader(stream, entry.Length, where);
            return body(stream, header, where);
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
