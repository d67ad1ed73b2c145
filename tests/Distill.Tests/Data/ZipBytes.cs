using System.Buffers.Binary;

namespace Distill.Tests.Data;

/// <summary>
/// A stored (uncompressed) zip written byte by byte, so tests can forge what a zip writer never would: sizes that
/// lie (in zip64 extra fields too), wrong CRCs, duplicate names, wrong entry counts.
/// </summary>
static class ZipBytes
{
    /// <summary>One member: its data, and optionally the uncompressed size the central directory declares in zip64 form.</summary>
    public sealed record Member(string Name, byte[] Data, long? DeclaredZip64Size = null);

    public static byte[] Build(params Member[] members)
    {
        var output = new MemoryStream();
        var central = new MemoryStream();
        foreach (var m in members)
        {
            long offset = output.Position;
            var name = System.Text.Encoding.ASCII.GetBytes(m.Name);
            uint crc = Crc32(m.Data);
            output.Write(LocalHeader(name, crc, (uint)m.Data.Length));
            output.Write(m.Data);
            central.Write(CentralHeader(name, crc, m, (uint)offset));
        }
        long centralOffset = output.Position;
        central.Position = 0;
        central.CopyTo(output);
        var end = new byte[22];
        BinaryPrimitives.WriteUInt32LittleEndian(end, 0x06054b50);
        BinaryPrimitives.WriteUInt16LittleEndian(end.AsSpan(8), (ushort)members.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(end.AsSpan(10), (ushort)members.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(end.AsSpan(12), (uint)central.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(end.AsSpan(16), (uint)centralOffset);
        output.Write(end);
        return output.ToArray();
    }

    /// <summary>The zip CRC-32 (reflected polynomial 0xEDB88320), bit by bit: test files are small.</summary>
    public static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xffffffff;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xedb88320 & (uint)-(int)(crc & 1));
        }
        return ~crc;
    }

    /// <summary>Offset of the end-of-central-directory record (its entry counts sit at +8 and +10).</summary>
    public static int EndOfCentralDirectory(byte[] zip) => zip.AsSpan().LastIndexOf([(byte)0x50, (byte)0x4b, (byte)0x05, (byte)0x06]);

    static byte[] LocalHeader(byte[] name, uint crc, uint size)
    {
        var h = new byte[30 + name.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(h, 0x04034b50);
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(4), 20);
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(12), 0x21); // 1980-01-01
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(14), crc);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(18), size);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(22), size);
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(26), (ushort)name.Length);
        name.CopyTo(h, 30);
        return h;
    }

    static byte[] CentralHeader(byte[] name, uint crc, Member m, uint offset)
    {
        bool zip64 = m.DeclaredZip64Size is not null;
        var h = new byte[46 + name.Length + (zip64 ? 12 : 0)];
        BinaryPrimitives.WriteUInt32LittleEndian(h, 0x02014b50);
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(4), 45);
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(6), (ushort)(zip64 ? 45 : 20));
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(14), 0x21);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(16), crc);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(20), (uint)m.Data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(24), zip64 ? uint.MaxValue : (uint)m.Data.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(28), (ushort)name.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(30), (ushort)(zip64 ? 12 : 0));
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(42), offset);
        name.CopyTo(h, 46);
        if (zip64)
        {
            int x = 46 + name.Length;
            BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(x), 1);     // zip64 extended information
            BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(x + 2), 8); // just the uncompressed size
            BinaryPrimitives.WriteInt64LittleEndian(h.AsSpan(x + 4), m.DeclaredZip64Size!.Value);
        }
        return h;
    }
}
