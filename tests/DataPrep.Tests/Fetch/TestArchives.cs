using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace DataPrep.Tests.Fetch;

/// <summary>Archives built in memory for the tests: tar.gz, zip, gz and NumPy .npz, with arbitrary content.</summary>
static class TestArchives
{
    /// <summary>Deterministic pseudo-random bytes (incompressible, so archives have a real size).</summary>
    public static byte[] Bytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>A .tar.gz of regular files.</summary>
    public static byte[] TarGz(IEnumerable<(string Name, byte[] Data)> files) =>
        TarGz(tar => { foreach (var (name, data) in files) tar.WriteEntry(File(name, data)); });

    /// <summary>A .tar.gz written by <paramref name="write"/> (for links and hostile names).</summary>
    public static byte[] TarGz(Action<TarWriter> write)
    {
        using var memory = new MemoryStream();
        using (var gzip = new GZipStream(memory, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
            write(tar);
        return memory.ToArray();
    }

    /// <summary>An uncompressed .tar of regular files (PASCAL VOC's packing).</summary>
    public static byte[] Tar(IEnumerable<(string Name, byte[] Data)> files)
    {
        using var memory = new MemoryStream();
        using (var tar = new TarWriter(memory, TarEntryFormat.Pax, leaveOpen: true))
            foreach (var (name, data) in files) tar.WriteEntry(File(name, data));
        return memory.ToArray();
    }

    /// <summary>A regular-file tar entry.</summary>
    public static PaxTarEntry File(string name, byte[] data) =>
        new(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) };

    /// <summary>A symbolic- or hard-link tar entry.</summary>
    public static PaxTarEntry Link(TarEntryType type, string name, string target) => new(type, name) { LinkName = target };

    /// <summary>A .zip of regular files.</summary>
    public static byte[] Zip(IEnumerable<(string Name, byte[] Data)> files) =>
        Zip(zip => { foreach (var (name, data) in files) AddFile(zip, name, data); });

    /// <summary>A .zip written by <paramref name="write"/>.</summary>
    public static byte[] Zip(Action<ZipArchive> write)
    {
        using var memory = new MemoryStream();
        using (var zip = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true)) write(zip);
        return memory.ToArray();
    }

    public static void AddFile(ZipArchive zip, string name, byte[] data)
    {
        using var stream = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
        stream.Write(data);
    }

    /// <summary>A zip entry marked as a Unix symbolic link to <paramref name="target"/> (as Info-ZIP stores them).</summary>
    public static void AddSymlink(ZipArchive zip, string name, string target)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.NoCompression);
        entry.ExternalAttributes = unchecked((int)(0xA1FFu << 16));
        using var stream = entry.Open();
        stream.Write(System.Text.Encoding.UTF8.GetBytes(target));
    }

    /// <summary>One gzip-compressed file.</summary>
    public static byte[] Gzip(byte[] data)
    {
        using var memory = new MemoryStream();
        using (var gzip = new GZipStream(memory, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(data);
        return memory.ToArray();
    }

    /// <summary>A NumPy .npz: a zip of NAME.npy members, each a valid .npy header with a few payload bytes.</summary>
    public static byte[] Npz(int seed, params string[] arrays) => Zip(zip =>
    {
        foreach (var array in arrays)
        {
            var header = "{'descr': '|u1', 'fortran_order': False, 'shape': (8,), }"u8.ToArray();
            var npy = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)header.Length, 0 };
            npy.AddRange(header);
            npy.AddRange(Bytes(8, seed));
            AddFile(zip, array + ".npy", [.. npy]);
        }
    });

    public static string Md5(byte[] data) => Convert.ToHexStringLower(MD5.HashData(data));

    public static string Sha256(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>A copy of <paramref name="data"/> with one byte changed.</summary>
    public static byte[] Corrupted(byte[] data, int at)
    {
        var copy = (byte[])data.Clone();
        copy[at] ^= 0x5A;
        return copy;
    }
}

/// <summary>A fresh folder under the temp directory, deleted with everything in it on dispose.</summary>
sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "dataprep-tests-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}
