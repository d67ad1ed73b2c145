using System.Buffers.Binary;
using System.Text;

namespace Distill.Runtime;

/// <summary>
/// Reads and edits the version needs (.gnu.version_r) of a 64-bit little-endian ELF shared object.
/// Used to mark one needed symbol version (GLIBCXX_3.4.32) as weak in a copy of TorchSharp's native glue,
/// so that the dynamic loader accepts an older libstdc++ and resolves the one symbol from a shim instead.
/// </summary>
public static class ElfVersionNeeds
{
    const uint ShtGnuVerneed = 0x6ffffffe;
    public const ushort VerFlagWeak = 0x2;

    public sealed record Need(string File, string Version, ushort Flags, long FlagsOffset);

    /// <summary>All (file, version) pairs the object requires, with the file offset of each flags field.</summary>
    public static IReadOnlyList<Need> Read(byte[] elf, string pathForErrors)
    {
        var span = elf.AsSpan();
        if (elf.Length < 64 || span[0] != 0x7f || span[1] != (byte)'E' || span[2] != (byte)'L' || span[3] != (byte)'F')
            throw new InvalidDataException($"{pathForErrors}: not an ELF file");
        if (span[4] != 2 || span[5] != 1)
            throw new InvalidDataException($"{pathForErrors}: only 64-bit little-endian ELF is supported");

        long shoff = (long)BinaryPrimitives.ReadUInt64LittleEndian(span[0x28..]);
        int shentsize = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3A..]);
        int shnum = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3C..]);
        if (shoff <= 0 || shoff + (long)shnum * shentsize > elf.Length)
            throw new InvalidDataException($"{pathForErrors}: section header table lies outside the file");

        (uint type, long offset, long size, int link) Section(int i)
        {
            var h = elf.AsSpan((int)(shoff + (long)i * shentsize), shentsize);
            return (BinaryPrimitives.ReadUInt32LittleEndian(h[4..]),
                    (long)BinaryPrimitives.ReadUInt64LittleEndian(h[0x18..]),
                    (long)BinaryPrimitives.ReadUInt64LittleEndian(h[0x20..]),
                    (int)BinaryPrimitives.ReadUInt32LittleEndian(h[0x28..]));
        }

        var needs = new List<Need>();
        for (int s = 0; s < shnum; s++)
        {
            var (type, offset, size, link) = Section(s);
            if (type != ShtGnuVerneed) continue;
            var strtab = Section(link);
            string Str(uint at)
            {
                long start = strtab.offset + at;
                int end = Array.IndexOf(elf, (byte)0, (int)start);
                if (start >= elf.Length || end < 0) throw new InvalidDataException($"{pathForErrors}: bad string offset {at} in .dynstr");
                return Encoding.ASCII.GetString(elf, (int)start, end - (int)start);
            }

            long vn = offset;
            while (true)
            {
                if (vn + 16 > offset + size) throw new InvalidDataException($"{pathForErrors}: truncated .gnu.version_r at {vn}");
                int cnt = BinaryPrimitives.ReadUInt16LittleEndian(span[(int)(vn + 2)..]);
                string file = Str(BinaryPrimitives.ReadUInt32LittleEndian(span[(int)(vn + 4)..]));
                uint aux = BinaryPrimitives.ReadUInt32LittleEndian(span[(int)(vn + 8)..]);
                uint next = BinaryPrimitives.ReadUInt32LittleEndian(span[(int)(vn + 12)..]);
                long va = vn + aux;
                for (int a = 0; a < cnt; a++)
                {
                    ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(span[(int)(va + 4)..]);
                    string name = Str(BinaryPrimitives.ReadUInt32LittleEndian(span[(int)(va + 8)..]));
                    needs.Add(new Need(file, name, flags, va + 4));
                    uint vnaNext = BinaryPrimitives.ReadUInt32LittleEndian(span[(int)(va + 12)..]);
                    if (vnaNext == 0) break;
                    va += vnaNext;
                }
                if (next == 0) break;
                vn += next;
            }
        }
        return needs;
    }

    /// <summary>Sets VER_FLG_WEAK on the need for <paramref name="version"/>; returns false if the object does not need it.</summary>
    public static bool MarkWeak(byte[] elf, string version, string pathForErrors)
    {
        var hit = Read(elf, pathForErrors).FirstOrDefault(n => n.Version == version);
        if (hit is null) return false;
        BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan((int)hit.FlagsOffset), (ushort)(hit.Flags | VerFlagWeak));
        return true;
    }
}
