using System.Buffers.Binary;
using System.Text;

namespace DataPrep.Tests.Video;

/// <summary>
/// Writes a RAR 4 archive whose files are stored (method 0x30, no compression), enough for unar to read: marker
/// block, main archive header, one file header + data per file, end-of-archive block. Headers carry the low 16 bits
/// of their CRC-32, files their full CRC-32. No rar creator is available on Debian (rar is non-free), so tests
/// build their RAR archives with this. Names take '/' between folders.
/// </summary>
static class StoredRar
{
    static readonly byte[] Marker = [0x52, 0x61, 0x72, 0x21, 0x1A, 0x07, 0x00];

    public static void Write(string path, IEnumerable<(string Name, byte[] Data)> files)
    {
        using var output = File.Create(path);
        output.Write(Marker);
        // Main header: type 0x73, no flags, 13 bytes (two reserved fields).
        WriteHeader(output, 0x73, 0, new byte[6]);
        foreach (var (name, data) in files)
        {
            var nameBytes = Encoding.UTF8.GetBytes(name.Replace('/', '\\'));   // RAR 4 separates folders with a backslash

            var body = new byte[25 + nameBytes.Length];
            var s = body.AsSpan();
            BinaryPrimitives.WriteUInt32LittleEndian(s, (uint)data.Length);          // packed size
            BinaryPrimitives.WriteUInt32LittleEndian(s[4..], (uint)data.Length);      // unpacked size
            s[8] = 3;                                                                  // host OS: Unix
            BinaryPrimitives.WriteUInt32LittleEndian(s[9..], Crc32(data));             // file CRC
            BinaryPrimitives.WriteUInt32LittleEndian(s[13..], DosTime(2026, 1, 2, 3, 4, 6));
            s[17] = 20;                                                                // version needed: 2.0
            s[18] = 0x30;                                                              // method: store
            BinaryPrimitives.WriteUInt16LittleEndian(s[19..], (ushort)nameBytes.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(s[21..], 0x81A4);                 // regular file, mode 0644
            nameBytes.CopyTo(s[25..]);
            WriteHeader(output, 0x74, 0x8000, body);
            output.Write(data);
        }
        WriteHeader(output, 0x7B, 0x4000, []);
    }

    static void WriteHeader(Stream output, byte type, ushort flags, byte[] body)
    {
        var header = new byte[7 + body.Length];
        header[2] = type;
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(3), flags);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(5), (ushort)header.Length);
        body.CopyTo(header, 7);
        BinaryPrimitives.WriteUInt16LittleEndian(header, (ushort)(Crc32(header.AsSpan(2)) & 0xFFFF));
        output.Write(header);
    }

    static uint DosTime(int year, int month, int day, int hour, int minute, int second) =>
        (uint)((year - 1980) << 25 | month << 21 | day << 16 | hour << 11 | minute << 5 | second / 2);

    static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }
}
