using System.Buffers.Binary;
using System.IO.Compression;

namespace Distill.Data;

/// <summary>
/// IDX files of unsigned bytes (LeCun's MNIST format, also Fashion-MNIST's), raw or gzip-compressed: a big-endian
/// magic 0x0000 08 D (D = number of dimensions; 2049 for a label vector, 2051 for an image stack), D big-endian
/// int32 sizes, then the bytes. Gzip is recognised by its magic bytes, not by the file name; offsets in errors about a
/// gzip file count bytes of its uncompressed IDX content.
/// </summary>
public static class Idx
{
    /// <summary>Magic of a 1-dimensional ubyte array (labels).</summary>
    public const int LabelsMagic = 0x0801;

    /// <summary>Magic of a 3-dimensional ubyte array (images n x rows x cols).</summary>
    public const int ImagesMagic = 0x0803;

    /// <summary>The sizes and the data of one IDX ubyte file whose magic must be <paramref name="expectedMagic"/>.</summary>
    public static (int[] Dims, byte[] Data) Read(string path, int expectedMagic)
    {
        var raw = File.ReadAllBytes(path);
        if (raw.Length == 0) throw new DataFormatException(path, "", "the file is empty");
        bool gzip = raw.Length >= 2 && raw[0] == 0x1f && raw[1] == 0x8b;
        using Stream input = gzip ? new GZipStream(new MemoryStream(raw), CompressionMode.Decompress) : new MemoryStream(raw);
        try
        {
            return ReadPayload(input, path, expectedMagic, gzip, gzip ? GzipSize(raw) : raw.Length, raw.Length);
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(path, "", $"the gzip stream is damaged ({e.Message})", e);
        }
    }

    /// <summary>ISIZE of the last gzip member: the uncompressed length modulo 2^32.</summary>
    static long GzipSize(byte[] raw) => raw.Length >= 18 ? BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(raw.Length - 4)) : -1;

    static (int[] Dims, byte[] Data) ReadPayload(Stream input, string path, int expectedMagic, bool gzip, long expectedLength, long fileLength)
    {
        var head = new byte[4];
        ReadExactly(input, head, 0, path, "the magic number");
        int magic = BinaryPrimitives.ReadInt32BigEndian(head);
        if (magic != expectedMagic)
            throw new DataFormatException(path, DataFormatException.Offset(0),
                $"magic number {magic} (0x{magic:x8}) is not {expectedMagic} (0x{expectedMagic:x8}); " +
                (magic >> 8 == 0x08 ? $"this is a {magic & 0xff}-dimensional ubyte file" : "this is not an IDX ubyte file"));
        int rank = magic & 0xff;
        var sizeBytes = new byte[4 * rank];
        ReadExactly(input, sizeBytes, 4, path, "the dimension sizes");
        var dims = new int[rank];
        long count = 1;
        for (int d = 0; d < rank; d++)
        {
            dims[d] = BinaryPrimitives.ReadInt32BigEndian(sizeBytes.AsSpan(4 * d));
            if (dims[d] < 0) throw new DataFormatException(path, DataFormatException.Offset(4 + 4 * d), $"dimension {d} has negative size {dims[d]}");
            count *= dims[d];
            if (count > Array.MaxLength)
                throw new DataFormatException(path, DataFormatException.Offset(4 + 4 * d), $"sizes {string.Join(" x ", dims[..(d + 1)])} exceed the largest array");
        }
        long headerBytes = 4 + 4 * rank, total = headerBytes + count;
        // A raw file's length must match exactly; gzip's trailer only knows the length modulo 2^32.
        if (expectedLength >= 0 && expectedLength != (gzip ? total & 0xffffffffL : total))
            throw new DataFormatException(path, DataFormatException.Offset(4),
                $"sizes {string.Join(" x ", dims)} need {total} bytes but the {(gzip ? "gzip trailer says the stream holds" : "file is")} " +
                $"{expectedLength} bytes (truncated, padded or a lying header)");
        // The trailer is as forgeable as the sizes; allocate only what this many compressed bytes can inflate to.
        if (gzip && total > (long)DataFiles.MaxDeflateRatio * fileLength)
            throw new DataFormatException(path, DataFormatException.Offset(4),
                $"sizes {string.Join(" x ", dims)} need {total} bytes, more than a {fileLength}-byte gzip file can inflate to " +
                $"(at most {DataFiles.MaxDeflateRatio}:1; a lying header)");
        var data = new byte[count];
        ReadExactly(input, data, headerBytes, path, $"the {string.Join(" x ", dims)} data");
        if (input.ReadByte() != -1)
            throw new DataFormatException(path, DataFormatException.Offset(total), "unexpected bytes after the data");
        return (dims, data);
    }

    static void ReadExactly(Stream input, byte[] buffer, long offset, string path, string what)
    {
        int done = 0;
        while (done < buffer.Length)
        {
            int n = input.Read(buffer, done, buffer.Length - done);
            if (n == 0)
                throw new DataFormatException(path, DataFormatException.Offset(offset + done),
                    $"the file ends inside {what} ({done} of {buffer.Length} bytes read)");
            done += n;
        }
    }

    /// <summary>Writes an IDX ubyte file of the given sizes; gzip-compressed when the name ends in .gz.</summary>
    public static void Write(string path, ReadOnlySpan<int> dims, IEnumerable<ReadOnlyMemory<byte>> data)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        using Stream output = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionLevel.Fastest) : file;
        var head = new byte[4 + 4 * dims.Length];
        BinaryPrimitives.WriteInt32BigEndian(head, 0x0800 | dims.Length);
        for (int d = 0; d < dims.Length; d++) BinaryPrimitives.WriteInt32BigEndian(head.AsSpan(4 + 4 * d), dims[d]);
        output.Write(head);
        foreach (var chunk in data) output.Write(chunk.Span);
    }
}
