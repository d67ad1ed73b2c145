using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Distill.Data;

/// <summary>Element types of the .npy arrays the data sets use.</summary>
public enum NpyType { UInt8, Int32, Int64, Float32, Float64 }

/// <summary>The parsed header of one .npy array: element type, C-order shape, where the data begins.</summary>
public sealed record NpyHeader(NpyType Type, long[] Shape, long DataOffset)
{
    public long Count => Shape.Aggregate(1L, (a, b) => a * b);
    public int ItemSize => Npy.ItemSize(Type);
    public long DataBytes => Count * ItemSize;
    public string ShapeText => "(" + string.Join(", ", Shape) + (Shape.Length == 1 ? ",)" : ")");
}

/// <summary>
/// NumPy's .npy format (versions 1.0, 2.0, 3.0): magic "\x93NUMPY", version, little-endian header length, a Python
/// dict literal {'descr': ..., 'fortran_order': ..., 'shape': (...)} padded to a 64-byte boundary, then the raw data.
/// Only little-endian, C-ordered arrays of <see cref="NpyType"/> are accepted; everything else is a clear error.
/// </summary>
public static class Npy
{
    /// <summary>0x93 then "NUMPY". (Not a "\x93NUMPY"u8 literal: that would encode U+0093 as two UTF-8 bytes.)</summary>
    static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
    const int MaxHeaderBytes = 1 << 16;

    public static int ItemSize(NpyType type) => type switch
    {
        NpyType.UInt8 => 1,
        NpyType.Int32 or NpyType.Float32 => 4,
        _ => 8,
    };

    static string Descr(NpyType type) => type switch
    {
        NpyType.UInt8 => "|u1",
        NpyType.Int32 => "<i4",
        NpyType.Int64 => "<i8",
        NpyType.Float32 => "<f4",
        _ => "<f8",
    };

    /// <summary>
    /// Reads and checks the header of an array whose stream holds <paramref name="length"/> bytes in all; the
    /// shape must account for exactly the bytes after the header. <paramref name="where"/> names the file in errors.
    /// </summary>
    public static NpyHeader ReadHeader(Stream input, long length, string where)
    {
        var prefix = new byte[10];
        ReadExactly(input, prefix, 0, where, "the .npy magic and version");
        if (!prefix.AsSpan(0, 6).SequenceEqual(Magic))
            throw new DataFormatException(where, DataFormatException.Offset(0), "not a .npy array (the magic \\x93NUMPY is missing)");
        int major = prefix[6];
        if (major is < 1 or > 3) throw new DataFormatException(where, DataFormatException.Offset(6), $"unknown .npy version {major}.{prefix[7]}");
        long headerLength;
        int lengthBytes;
        if (major == 1) { headerLength = BinaryPrimitives.ReadUInt16LittleEndian(prefix.AsSpan(8)); lengthBytes = 2; }
        else
        {
            var more = new byte[2];
            ReadExactly(input, more, 10, where, "the header length");
            headerLength = BinaryPrimitives.ReadUInt32LittleEndian([prefix[8], prefix[9], more[0], more[1]]);
            lengthBytes = 4;
        }
        long dataOffset = 8 + lengthBytes + headerLength;
        if (headerLength > MaxHeaderBytes || dataOffset > length)
            throw new DataFormatException(where, DataFormatException.Offset(8),
                $"header length {headerLength} is implausible for a {length}-byte array file");
        var text = new byte[headerLength];
        ReadExactly(input, text, 8 + lengthBytes, where, "the header");
        var header = NpyHeaderParser.Parse(major == 3 ? Encoding.UTF8.GetString(text) : Encoding.Latin1.GetString(text), where, 8 + lengthBytes, dataOffset);
        long expected = dataOffset + header.DataBytes;
        if (expected != length)
            throw new DataFormatException(where, DataFormatException.Offset(8 + lengthBytes),
                $"shape {header.ShapeText} of {Descr(header.Type)} needs {header.DataBytes} data bytes after the {dataOffset}-byte header, " +
                $"but the array file holds {length - dataOffset} (lying shape or truncated data)");
        return header;
    }

    /// <summary>The data of a uint8 array.</summary>
    public static byte[] ReadUInt8(Stream input, NpyHeader header, string where)
    {
        Expect(header, where, NpyType.UInt8);
        var data = new byte[header.Count];
        ReadExactly(input, data, header.DataOffset, where, $"the {header.ShapeText} data");
        return data;
    }

    /// <summary>The data of an integer array (uint8, int32 or int64) widened to int64.</summary>
    public static long[] ReadInt64(Stream input, NpyHeader header, string where)
    {
        Expect(header, where, NpyType.UInt8, NpyType.Int32, NpyType.Int64);
        var result = new long[header.Count];
        switch (header.Type)
        {
            case NpyType.Int64:
                ReadExactly(input, MemoryMarshal.AsBytes(result.AsSpan()), header.DataOffset, where, $"the {header.ShapeText} data");
                break;
            case NpyType.Int32:
                var ints = new int[header.Count];
                ReadExactly(input, MemoryMarshal.AsBytes(ints.AsSpan()), header.DataOffset, where, $"the {header.ShapeText} data");
                for (int i = 0; i < ints.Length; i++) result[i] = ints[i];
                break;
            default:
                var bytes = ReadUInt8(input, header, where);
                for (int i = 0; i < bytes.Length; i++) result[i] = bytes[i];
                break;
        }
        return result;
    }

    /// <summary>The data of a float32 or float64 array as float64.</summary>
    public static double[] ReadFloat64(Stream input, NpyHeader header, string where)
    {
        Expect(header, where, NpyType.Float32, NpyType.Float64);
        var result = new double[header.Count];
        if (header.Type == NpyType.Float64)
        {
            ReadExactly(input, MemoryMarshal.AsBytes(result.AsSpan()), header.DataOffset, where, $"the {header.ShapeText} data");
            return result;
        }
        var floats = new float[header.Count];
        ReadExactly(input, MemoryMarshal.AsBytes(floats.AsSpan()), header.DataOffset, where, $"the {header.ShapeText} data");
        for (int i = 0; i < floats.Length; i++) result[i] = floats[i];
        return result;
    }

    static void Expect(NpyHeader header, string where, params NpyType[] allowed)
    {
        if (!allowed.Contains(header.Type))
            throw new DataFormatException(where, "header", $"dtype {Descr(header.Type)} where {string.Join(" or ", allowed.Select(Descr))} was expected");
        if (header.Count > Array.MaxLength)
            throw new DataFormatException(where, "header", $"shape {header.ShapeText} is larger than one array can hold");
    }

    static void ReadExactly(Stream input, Span<byte> buffer, long offset, string where, string what)
    {
        int done = 0;
        while (done < buffer.Length)
        {
            int n = input.Read(buffer[done..]);
            if (n == 0)
                throw new DataFormatException(where, DataFormatException.Offset(offset + done),
                    $"the array ends inside {what} ({done} of {buffer.Length} bytes read)");
            done += n;
        }
    }

    /// <summary>Writes a version 1.0 header (64-byte aligned, like numpy.save); the caller then writes the data.</summary>
    public static void WriteHeader(Stream output, NpyType type, IReadOnlyList<long> shape)
    {
        string shapeText = "(" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + (shape.Count == 1 ? ",)" : ")");
        string dict = $"{{'descr': '{Descr(type)}', 'fortran_order': False, 'shape': {shapeText}, }}";
        int total = 10 + dict.Length + 1;
        int padded = (total + 63) / 64 * 64;
        string text = dict + new string(' ', padded - total) + "\n";
        Span<byte> prefix = stackalloc byte[10];
        Magic.CopyTo(prefix);
        prefix[6] = 1;
        prefix[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(prefix[8..], checked((ushort)text.Length));
        output.Write(prefix);
        output.Write(Encoding.Latin1.GetBytes(text));
    }

    public static void Write(Stream output, ReadOnlySpan<long> data, IReadOnlyList<long> shape)
    {
        WriteHeader(output, NpyType.Int64, shape);
        output.Write(MemoryMarshal.AsBytes(data));
    }

    public static void Write(Stream output, ReadOnlySpan<double> data, IReadOnlyList<long> shape)
    {
        WriteHeader(output, NpyType.Float64, shape);
        output.Write(MemoryMarshal.AsBytes(data));
    }
}
