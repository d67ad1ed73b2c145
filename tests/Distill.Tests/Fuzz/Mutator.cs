using System.Buffers.Binary;

namespace Distill.Tests.Fuzz;

/// <summary>A header field a mutation may forge: its offset, width (2, 4 or 8 bytes) and byte order.</summary>
public sealed record Field(int Offset, int Width, bool BigEndian = false);

/// <summary>
/// Seeded, deterministic mutations of a valid file: byte flips, truncation, zeroed runs, appended or repeated bytes, and
/// forged header fields (extreme, off-by-one and random values written into a field the format declares). Input k of
/// a run always comes from the same seed, so a failure names the input that reproduces it.
/// </summary>
public sealed class Mutator(int seed)
{
    readonly Random rng = new(seed);

    public Random Random => rng;

    /// <summary>One of the generic mutations of <paramref name="original"/>; the kind is returned for the figures.</summary>
    public (byte[] Bytes, string Kind) Mutate(byte[] original, IReadOnlyList<Field> fields) =>
        rng.Next(6) switch
        {
            0 => (Flip(original), "flip"),
            1 => (Truncate(original), "truncate"),
            2 => (Zero(original), "zero"),
            3 => (Extend(original), "extend"),
            _ => fields.Count > 0 ? (Forge(original, fields[rng.Next(fields.Count)]), "forge") : (Flip(original), "flip"),
        };

    public byte[] Flip(byte[] original)
    {
        var bytes = (byte[])original.Clone();
        if (bytes.Length == 0) return bytes;
        int flips = 1 + rng.Next(8);
        for (int i = 0; i < flips; i++) bytes[rng.Next(bytes.Length)] ^= (byte)(1 + rng.Next(255));
        return bytes;
    }

    public byte[] Truncate(byte[] original) => original[..rng.Next(original.Length)];

    public byte[] Zero(byte[] original)
    {
        var bytes = (byte[])original.Clone();
        if (bytes.Length == 0) return bytes;
        int start = rng.Next(bytes.Length);
        Array.Clear(bytes, start, Math.Min(bytes.Length - start, 1 + rng.Next(4096)));
        return bytes;
    }

    /// <summary>Random bytes appended, or a slice of the file repeated at a random place (records added).</summary>
    public byte[] Extend(byte[] original)
    {
        if (original.Length == 0 || rng.Next(2) == 0)
        {
            var tail = new byte[1 + rng.Next(4096)];
            rng.NextBytes(tail);
            return [.. original, .. tail];
        }
        int start = rng.Next(original.Length), length = 1 + rng.Next(Math.Min(4096, original.Length - start));
        int at = rng.Next(original.Length + 1);
        return [.. original[..at], .. original.AsSpan(start, length), .. original[at..]];
    }

    /// <summary>The field overwritten with 0, 1, -1, the extremes, the original value +-1 or doubled, or noise.</summary>
    public byte[] Forge(byte[] original, Field field)
    {
        var bytes = (byte[])original.Clone();
        if (field.Offset + field.Width > bytes.Length) return bytes;
        var span = bytes.AsSpan(field.Offset, field.Width);
        long value = Read(span, field);
        long max = field.Width == 8 ? long.MaxValue : (1L << (8 * field.Width - 1)) - 1;
        long forged = rng.Next(9) switch
        {
            0 => 0,
            1 => 1,
            2 => -1,
            3 => max,
            4 => -max - 1,
            5 => value + 1,
            6 => value - 1,
            7 => value * 2,
            _ => rng.NextInt64(),
        };
        Write(span, field, forged);
        return bytes;
    }

    /// <summary>The field multiplied by 2 to 2^20: a size forged large but still plausible.</summary>
    public byte[] ScaleUp(byte[] original, Field field)
    {
        var bytes = (byte[])original.Clone();
        if (field.Offset + field.Width > bytes.Length) return bytes;
        var span = bytes.AsSpan(field.Offset, field.Width);
        Write(span, field, Read(span, field) * (2 + rng.Next(1 << 20)));
        return bytes;
    }

    static long Read(ReadOnlySpan<byte> s, Field f) => (f.Width, f.BigEndian) switch
    {
        (2, true) => BinaryPrimitives.ReadUInt16BigEndian(s),
        (2, false) => BinaryPrimitives.ReadUInt16LittleEndian(s),
        (4, true) => BinaryPrimitives.ReadInt32BigEndian(s),
        (4, false) => BinaryPrimitives.ReadInt32LittleEndian(s),
        (_, true) => BinaryPrimitives.ReadInt64BigEndian(s),
        _ => BinaryPrimitives.ReadInt64LittleEndian(s),
    };

    static void Write(Span<byte> s, Field f, long v)
    {
        switch (f.Width, f.BigEndian)
        {
            case (2, true): BinaryPrimitives.WriteUInt16BigEndian(s, (ushort)v); break;
            case (2, false): BinaryPrimitives.WriteUInt16LittleEndian(s, (ushort)v); break;
            case (4, true): BinaryPrimitives.WriteInt32BigEndian(s, (int)v); break;
            case (4, false): BinaryPrimitives.WriteInt32LittleEndian(s, (int)v); break;
            case (_, true): BinaryPrimitives.WriteInt64BigEndian(s, v); break;
            default: BinaryPrimitives.WriteInt64LittleEndian(s, v); break;
        }
    }

    /// <summary>The zip structure's size, count, offset and length fields: local headers, central headers, end record.</summary>
    public static IReadOnlyList<Field> ZipFields(byte[] zip)
    {
        var fields = new List<Field>();
        for (int i = 0; i + 4 <= zip.Length; i++)
        {
            uint sig = BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(i));
            int[] offsets = sig switch
            {
                0x04034b50 => [8, 14, 18, 22, 26, 28],          // method, crc, sizes, name and extra lengths
                0x02014b50 => [10, 16, 20, 24, 28, 30, 42],     // method, crc, sizes, lengths, local header offset
                0x06054b50 => [8, 10, 12, 16, 20],              // entry counts, directory size and offset, comment length
                _ => [],
            };
            foreach (int o in offsets)
                fields.Add(new Field(i + o, o is 8 or 10 or 26 or 28 or 30 || (sig == 0x06054b50 && o == 20) ? 2 : 4));
        }
        return fields;
    }
}
