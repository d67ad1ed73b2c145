using System.Formats.Tar;
using DataPrep.Fetch;

namespace DataPrep.Tests.Fetch;

/// <summary>
/// Archives that try to write outside the data set folder (".." names, absolute names, links pointing out)
/// are refused by <see cref="SafeExtractor"/> and by a whole fetch, and nothing lands outside the target.
/// </summary>
public sealed class SafeExtractionTests : IDisposable
{
    readonly TempFolder temp = new();
    static readonly byte[] Payload = TestArchives.Bytes(300, seed: 7);

    public void Dispose() => temp.Dispose();

    string Target => Path.Combine(temp.Path, "sandbox", "target");

    async Task<UnsafeArchiveException> RefusedAsync(byte[] archive, string fileName, ArchiveFormat format)
    {
        var archivePath = Path.Combine(temp.Path, fileName);
        File.WriteAllBytes(archivePath, archive);
        Directory.CreateDirectory(Target);
        var ex = await Assert.ThrowsAsync<UnsafeArchiveException>(() => SafeExtractor.ExtractAsync(archivePath, format, Target));
        // Nothing beside the target folder, inside the sandbox that holds it, or beside the archive.
        Assert.Equal(["target"], Directory.EnumerateFileSystemEntries(Path.Combine(temp.Path, "sandbox")).Select(Path.GetFileName));
        Assert.Equal(new[] { fileName, "sandbox" }.Order(StringComparer.Ordinal),
            Directory.EnumerateFileSystemEntries(temp.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        return ex;
    }

    public static TheoryData<string> HostileTarNames => new()
    {
        "../escaped.bin", "../../escaped.bin", "data/../../escaped.bin", "/tmp/escaped.bin", "./../escaped.bin", "data\\..\\..\\escaped.bin",
    };

    [Theory]
    [MemberData(nameof(HostileTarNames))]
    public async Task TarEntryLeavingTheFolder_IsRefused(string name)
    {
        var archive = TestArchives.TarGz(tar =>
        {
            tar.WriteEntry(TestArchives.File("data/ok.bin", Payload));
            tar.WriteEntry(TestArchives.File(name, Payload));
        });

        var ex = await RefusedAsync(archive, "hostile.tar.gz", ArchiveFormat.TarGz);

        Assert.Equal(name, ex.Entry);
        Assert.StartsWith($"Refusing to extract hostile.tar.gz: entry '{name}'", ex.Message);
        Assert.False(File.Exists("/tmp/escaped.bin"));
    }

    public static TheoryData<TarEntryType, string, string> HostileTarLinks => new()
    {
        { TarEntryType.SymbolicLink, "data/link", "/etc/passwd" },
        { TarEntryType.SymbolicLink, "data/link", "../../outside.bin" },
        { TarEntryType.SymbolicLink, "link", "../target/data/ok.bin" },
        { TarEntryType.HardLink, "data/link", "../outside.bin" },
        { TarEntryType.HardLink, "data/link", "/etc/passwd" },
        { TarEntryType.SymbolicLink, "data/dir", "/tmp" },
    };

    [Theory]
    [MemberData(nameof(HostileTarLinks))]
    public async Task TarLinkPointingOut_IsRefused(TarEntryType type, string name, string target)
    {
        var archive = TestArchives.TarGz(tar =>
        {
            tar.WriteEntry(TestArchives.File("data/ok.bin", Payload));
            tar.WriteEntry(TestArchives.Link(type, name, target));
            tar.WriteEntry(TestArchives.File(name + "/escaped.bin", Payload));
        });

        var ex = await RefusedAsync(archive, "links.tar.gz", ArchiveFormat.TarGz);

        Assert.Equal(name, ex.Entry);
        Assert.Contains($"link to", ex.Message);
    }

    [Fact]
    public async Task ZipEntryLeavingTheFolder_IsRefused()
    {
        var archive = TestArchives.Zip([("data/ok.bin", Payload), ("data/../../escaped.bin", Payload)]);

        var ex = await RefusedAsync(archive, "hostile.zip", ArchiveFormat.Zip);

        Assert.Equal("data/../../escaped.bin", ex.Entry);
        Assert.Contains("climbs out with '..'", ex.Message);
    }

    [Fact]
    public async Task ZipSymlinkPointingOut_IsRefused()
    {
        var archive = TestArchives.Zip(zip =>
        {
            TestArchives.AddFile(zip, "data/ok.bin", Payload);
            TestArchives.AddSymlink(zip, "data/link", "../../../etc/passwd");
        });

        var ex = await RefusedAsync(archive, "links.zip", ArchiveFormat.Zip);

        Assert.Equal("data/link", ex.Entry);
        Assert.Contains("is a symbolic link to '../../../etc/passwd', outside the data set folder", ex.Message);
    }

    [Fact]
    public async Task LinksInsideTheFolder_BecomePlainCopies()
    {
        var archive = TestArchives.TarGz(tar =>
        {
            tar.WriteEntry(TestArchives.File("data/ok.bin", Payload));
            tar.WriteEntry(TestArchives.Link(TarEntryType.SymbolicLink, "data/sub/soft.bin", "../ok.bin"));
            tar.WriteEntry(TestArchives.Link(TarEntryType.HardLink, "hard.bin", "data/ok.bin"));
        });
        var archivePath = Path.Combine(temp.Path, "links.tar.gz");
        File.WriteAllBytes(archivePath, archive);

        var written = await SafeExtractor.ExtractAsync(archivePath, ArchiveFormat.TarGz, Target);

        Assert.Equal(["data/ok.bin", "data/sub/soft.bin", "hard.bin"], written.Select(f => f.Path).Order(StringComparer.Ordinal));
        Assert.All(written, f => Assert.Equal((300L, TestArchives.Sha256(Payload)), (f.Size, f.Sha256)));
        foreach (var path in new[] { "data/sub/soft.bin", "hard.bin" })
        {
            var info = new FileInfo(Path.Combine(Target, path));
            Assert.Null(info.LinkTarget);
            Assert.Equal(Payload, File.ReadAllBytes(info.FullName));
        }
    }

    [Fact]
    public async Task TruncatedArchive_FailsNamingTheFile()
    {
        var archive = TestArchives.TarGz([("data/ok.bin", TestArchives.Bytes(50_000, 3))]);
        var archivePath = Path.Combine(temp.Path, "short.tar.gz");
        File.WriteAllBytes(archivePath, archive[..(archive.Length / 2)]);

        var ex = await Assert.ThrowsAsync<FetchException>(() => SafeExtractor.ExtractAsync(archivePath, ArchiveFormat.TarGz, Target));

        Assert.StartsWith($"{archivePath} is damaged and cannot be extracted", ex.Message);
    }

    [Fact]
    public async Task FetchOfATraversalArchive_IsRefused_AndLeavesNothingButTheArchive()
    {
        await using var h = new FetchHarness();
        var files = TestSources.CifarFiles(seed: 2);
        // The staging folder is data/.cifar10.partial, so this name aims at the sandbox itself.
        var archive = TestArchives.TarGz([.. files.Select(f => (f.Key, f.Value)), ("../../escaped.txt", Payload)]);
        h.Server.Serve(TestSources.CifarPath, new(archive));
        var catalog = DatasetCatalog.Official.With(TestSources.Cifar10For(archive));
        var error = new StringWriter();

        int code = await FetchCommand.RunAsync(catalog, ["cifar10"], h.Options("cifar"), new PlainFetchReporter(h.Log), error);

        Assert.Equal(1, code);
        Assert.Contains("Refusing to extract cifar-10-binary.tar.gz: entry '../../escaped.txt' climbs out with '..'", error.ToString());
        Assert.Equal(["data", "data/downloads", "data/downloads/cifar10", "data/downloads/cifar10/cifar-10-binary.tar.gz"], h.SandboxEntries());
    }
}
