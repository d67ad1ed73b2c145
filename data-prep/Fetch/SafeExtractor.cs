using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace DataPrep.Fetch;

/// <summary>A file written by extraction: its path in the data set folder ('/'-separated), size and SHA-256.</summary>
public sealed record ExtractedFile(string Path, long Size, string Sha256);

/// <summary>
/// Unpacks .tar.gz, .tar, .zip and .gz archives into a folder. Every entry name goes through <see cref="EntryPaths"/>,
/// so "../x", "/etc/x" and links pointing outside the folder are refused with <see cref="UnsafeArchiveException"/>.
/// Links that stay inside are written as copies of their target, so the result holds only plain files and
/// folders. Each written file is hashed (SHA-256) as it is written. Devices, FIFOs and other special entries
/// are refused. Callers extract into a staging folder and move it into place only after success.
/// </summary>
public static class SafeExtractor
{
    /// <summary>Unpacks <paramref name="archivePath"/> into <paramref name="targetFolder"/> and returns the files written.</summary>
    public static async Task<IReadOnlyList<ExtractedFile>> ExtractAsync(
        string archivePath, ArchiveFormat format, string targetFolder, CancellationToken cancel = default)
    {
        var name = Path.GetFileName(archivePath);
        var paths = new EntryPaths(targetFolder, name);
        var written = new Dictionary<string, ExtractedFile>(StringComparer.Ordinal);
        try
        {
            switch (format)
            {
                case ArchiveFormat.TarGz: await ExtractTarGzAsync(archivePath, paths, written, cancel); break;
                case ArchiveFormat.Tar: await ExtractTarAsync(archivePath, paths, written, cancel); break;
                case ArchiveFormat.Zip: await ExtractZipAsync(archivePath, paths, written, cancel); break;
                case ArchiveFormat.Gzip: await ExtractGzipAsync(archivePath, paths, written, cancel); break;
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or FormatException)
        {
            throw new FetchException($"{archivePath} is damaged and cannot be extracted: {ex.Message}", ex);
        }
        return [.. written.Values];
    }

    /// <summary>The name a .gz file unpacks to: its own name without ".gz".</summary>
    public static string GzipOutputName(string archiveFileName) =>
        archiveFileName.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? archiveFileName[..^3] : archiveFileName + ".out";

    static async Task ExtractTarGzAsync(string archivePath, EntryPaths paths, Dictionary<string, ExtractedFile> written, CancellationToken cancel)
    {
        await using var file = File.OpenRead(archivePath);
        await using var gzip = new GZipStream(file, CompressionMode.Decompress);
        await ExtractTarStreamAsync(gzip, paths, written, cancel);
    }

    static async Task ExtractTarAsync(string archivePath, EntryPaths paths, Dictionary<string, ExtractedFile> written, CancellationToken cancel)
    {
        await using var file = File.OpenRead(archivePath);
        await ExtractTarStreamAsync(file, paths, written, cancel);
    }

    static async Task ExtractTarStreamAsync(Stream stream, EntryPaths paths, Dictionary<string, ExtractedFile> written, CancellationToken cancel)
    {
        await using var tar = new TarReader(stream);
        while (await tar.GetNextEntryAsync(copyData: false, cancel) is { } entry)
        {
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    CreateFolder(paths, entry.Name);
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    await WriteAsync(paths, entry.Name, entry.DataStream, written, cancel);
                    break;
                case TarEntryType.SymbolicLink or TarEntryType.HardLink:
                    await CopyLinkAsync(paths, entry.Name, entry.LinkName, entry.EntryType == TarEntryType.SymbolicLink, written, cancel);
                    break;
                case TarEntryType.GlobalExtendedAttributes:
                    break;
                default:
                    throw paths.Refuse(entry.Name, $"is a {entry.EntryType} entry, which a data set archive never holds");
            }
        }
    }

    static async Task ExtractZipAsync(string archivePath, EntryPaths paths, Dictionary<string, ExtractedFile> written, CancellationToken cancel)
    {
        const int UnixTypeMask = 0xF000, UnixSymlink = 0xA000, UnixDirectory = 0x4000;
        await using var file = File.OpenRead(archivePath);
        using var zip = new ZipArchive(file, ZipArchiveMode.Read);
        foreach (var entry in zip.Entries)
        {
            int unixType = (entry.ExternalAttributes >> 16) & UnixTypeMask;
            if (unixType == UnixSymlink)
            {
                var target = await ReadLinkTargetAsync(paths, entry, cancel);
                await CopyLinkAsync(paths, entry.FullName, target, symbolic: true, written, cancel);
            }
            else if (unixType == UnixDirectory || entry.FullName.EndsWith('/') || entry.FullName.EndsWith('\\'))
                CreateFolder(paths, entry.FullName);
            else
            {
                await using var data = entry.Open();
                await WriteAsync(paths, entry.FullName, data, written, cancel);
            }
        }
    }

    static async Task ExtractGzipAsync(string archivePath, EntryPaths paths, Dictionary<string, ExtractedFile> written, CancellationToken cancel)
    {
        await using var file = File.OpenRead(archivePath);
        await using var gzip = new GZipStream(file, CompressionMode.Decompress);
        await WriteAsync(paths, GzipOutputName(Path.GetFileName(archivePath)), gzip, written, cancel);
    }

    static async Task<string> ReadLinkTargetAsync(EntryPaths paths, ZipArchiveEntry entry, CancellationToken cancel)
    {
        const int MaxTarget = 4096;
        if (entry.Length > MaxTarget) throw paths.Refuse(entry.FullName, $"is a symbolic link with a target longer than {MaxTarget} bytes");
        await using var data = entry.Open();
        using var reader = new StreamReader(data, Encoding.UTF8);
        return await reader.ReadToEndAsync(cancel);
    }

    static void CreateFolder(EntryPaths paths, string entryName)
    {
        var relative = paths.Relative(entryName);
        if (relative.Length == 0) return;
        var full = paths.Full(entryName, relative);
        if (File.Exists(full)) throw paths.Refuse(entryName, "is a folder where the archive already put a file");
        Directory.CreateDirectory(full);
    }

    static async Task WriteAsync(EntryPaths paths, string entryName, Stream? data, Dictionary<string, ExtractedFile> written, CancellationToken cancel)
    {
        var relative = paths.Relative(entryName);
        if (relative.Length == 0) throw paths.Refuse(entryName, "is a file without a name");
        var full = paths.Full(entryName, relative);
        if (Directory.Exists(full)) throw paths.Refuse(entryName, "is a file where the archive already put a folder");
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        }
        catch (IOException)
        {
            throw paths.Refuse(entryName, "lies under a name the archive already used for a file");
        }
        written[relative] = await WriteHashedAsync(data ?? Stream.Null, full, relative, cancel);
    }

    static async Task CopyLinkAsync(EntryPaths paths, string entryName, string target, bool symbolic,
        Dictionary<string, ExtractedFile> written, CancellationToken cancel)
    {
        var relative = paths.Relative(entryName);
        if (relative.Length == 0) throw paths.Refuse(entryName, "is a link without a name");
        var targetRelative = paths.LinkTarget(entryName, relative, target, symbolic);
        var targetFull = paths.Full(entryName, targetRelative);
        if (!written.ContainsKey(targetRelative) || !File.Exists(targetFull))
            throw paths.Refuse(entryName, $"is a link to '{target}', which is not a file extracted before it");
        await using var source = File.OpenRead(targetFull);
        await WriteAsync(paths, entryName, source, written, cancel);
    }

    static async Task<ExtractedFile> WriteHashedAsync(Stream data, string full, string relative, CancellationToken cancel)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var output = new FileStream(full, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        var buffer = new byte[1 << 16];
        long size = 0;
        int read;
        while ((read = await data.ReadAsync(buffer, cancel)) > 0)
        {
            await output.WriteAsync(buffer.AsMemory(0, read), cancel);
            sha.AppendData(buffer, 0, read);
            size += read;
        }
        return new ExtractedFile(relative, size, Convert.ToHexStringLower(sha.GetHashAndReset()));
    }
}
