using DataPrep.Fetch;

namespace DataPrep.Tests.Fetch;

/// <summary>
/// <c>data-prep fetch</c> end to end on a CIFAR-10-shaped tar.gz served from 127.0.0.1: the good path, a
/// re-run that downloads nothing, a transfer cut off midway and resumed with Range, and a corrupted archive.
/// </summary>
public sealed class CifarFetchTests : IAsyncLifetime
{
    readonly FetchHarness h = new();
    readonly Dictionary<string, byte[]> files = TestSources.CifarFiles(seed: 1);
    byte[] archive = [];
    DatasetCatalog catalog = DatasetCatalog.Official;

    public Task InitializeAsync()
    {
        archive = TestArchives.TarGz(files.Select(f => (f.Key, f.Value)));
        catalog = DatasetCatalog.Official.With(TestSources.Cifar10For(archive));
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => h.DisposeAsync().AsTask();

    async Task<(int Code, string Error)> FetchAsync(FetchOptions? options = null)
    {
        var error = new StringWriter();
        int code = await FetchCommand.RunAsync(catalog, ["cifar10"], options ?? h.Options("cifar"), new PlainFetchReporter(h.Log), error);
        return (code, error.ToString());
    }

    string SetFolder => h.Layout.DatasetFolder("cifar10");
    string ArchivePath => Path.Combine(h.Layout.DownloadsFolder("cifar10"), "cifar-10-binary.tar.gz");

    [Fact]
    public async Task GoodArchive_IsDownloadedVerifiedExtractedAndRecorded()
    {
        h.Server.Serve(TestSources.CifarPath, new(archive));

        var (code, error) = await FetchAsync();

        Assert.Equal("", error);
        Assert.Equal(0, code);
        foreach (var (name, data) in files)
            Assert.Equal(data, File.ReadAllBytes(Path.Combine(SetFolder, name)));
        Assert.Equal(archive, File.ReadAllBytes(ArchivePath));

        var manifest = DatasetManifest.Load(h.Layout.ManifestPath("cifar10"));
        Assert.Equal("cifar10", manifest.Dataset);
        var record = Assert.Single(manifest.Archives);
        Assert.Equal(("cifar-10-binary.tar.gz", archive.LongLength, TestArchives.Md5(archive), TestArchives.Sha256(archive)),
            (record.File, record.Size, record.Md5, record.Sha256));
        Assert.Equal(new Uri(h.Server.BaseUrl, TestSources.CifarPath).AbsoluteUri, record.Url);
        Assert.Equal("published MD5", record.Checksum);
        Assert.Equal(files.Keys.Order(StringComparer.Ordinal), manifest.Files.Select(f => f.Path));
        foreach (var file in manifest.Files)
            Assert.Equal((files[file.Path].LongLength, TestArchives.Sha256(files[file.Path])), (file.Size, file.Sha256));

        // Exactly the set, its manifest and the archive: no .part, staging folder, lock or temporary manifest left.
        string[] expected =
        [
            "data", "data/cifar10", "data/cifar10/cifar-10-batches-bin",
            .. files.Keys.Select(f => "data/cifar10/" + f), "data/cifar10/fetch-manifest.json",
            "data/downloads", "data/downloads/cifar10", "data/downloads/cifar10/cifar-10-binary.tar.gz",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), h.SandboxEntries());
        var request = Assert.Single(h.Server.Requests);
        Assert.Null(request.Range);

        Assert.Empty(await h.VerifyAsync(catalog.Get("cifar10")));
    }

    [Fact]
    public async Task ReRun_OnCompleteSet_SendsNoRequest()
    {
        h.Server.Serve(TestSources.CifarPath, new(archive));
        Assert.Equal(0, (await FetchAsync()).Code);
        var manifestBefore = File.ReadAllText(h.Layout.ManifestPath("cifar10"));

        var (code, error) = await FetchAsync();

        Assert.Equal((0, ""), (code, error));
        Assert.Single(h.Server.Requests);
        Assert.Equal(manifestBefore, File.ReadAllText(h.Layout.ManifestPath("cifar10")));
        Assert.Contains("cifar10: complete in", h.Log.ToString());
    }

    [Fact]
    public async Task ReRun_WithKeptArchive_ExtractsAgainWithoutDownloading()
    {
        h.Server.Serve(TestSources.CifarPath, new(archive));
        Assert.Equal(0, (await FetchAsync()).Code);
        Directory.Delete(SetFolder, recursive: true);

        var (code, error) = await FetchAsync();

        Assert.Equal((0, ""), (code, error));
        Assert.Single(h.Server.Requests);
        Assert.Equal(files["cifar-10-batches-bin/test_batch.bin"], File.ReadAllBytes(Path.Combine(SetFolder, "cifar-10-batches-bin/test_batch.bin")));
        Assert.Contains("already downloaded; checking it", h.Log.ToString());
    }

    [Fact]
    public async Task ReRun_OnDamagedSet_FailsNamingTheFileAndDownloadsNothing()
    {
        h.Server.Serve(TestSources.CifarPath, new(archive));
        Assert.Equal(0, (await FetchAsync()).Code);
        var damaged = Path.Combine(SetFolder, "cifar-10-batches-bin/data_batch_2.bin");
        File.WriteAllBytes(damaged, files["cifar-10-batches-bin/data_batch_2.bin"][..100]);

        var (code, error) = await FetchAsync();

        Assert.Equal(1, code);
        Assert.Contains($"cifar-10-batches-bin/data_batch_2.bin: 100 bytes, the manifest says {files["cifar-10-batches-bin/data_batch_2.bin"].Length}", error);
        Assert.Contains("--force", error);
        Assert.Single(h.Server.Requests);
    }

    [Fact]
    public async Task Force_DownloadsAgainAndSwapsInTheNewSet()
    {
        h.Server.Serve(TestSources.CifarPath, new(archive));
        Assert.Equal(0, (await FetchAsync()).Code);
        var newFiles = TestSources.CifarFiles(seed: 9);
        var newArchive = TestArchives.TarGz(newFiles.Select(f => (f.Key, f.Value)));
        h.Server.Serve(TestSources.CifarPath, new(newArchive));
        catalog = catalog.With(TestSources.Cifar10For(newArchive));

        var (plainCode, plainError) = await FetchAsync();
        var (code, error) = await FetchAsync(h.Options("cifar") with { Force = true });

        Assert.Equal(1, plainCode);
        Assert.Contains($"cifar-10-binary.tar.gz was accepted with MD5 {TestArchives.Md5(archive)}, but the catalog now publishes {TestArchives.Md5(newArchive)}", plainError);
        Assert.Equal((0, ""), (code, error));
        Assert.Equal(2, h.Server.Requests.Count);
        foreach (var (name, data) in newFiles) Assert.Equal(data, File.ReadAllBytes(Path.Combine(SetFolder, name)));
        Assert.False(Directory.Exists(h.Layout.RetiredFolder("cifar10")));
        Assert.Empty(await h.VerifyAsync(catalog.Get("cifar10")));
    }

    [Fact]
    public async Task CutOffTransfer_IsKeptAsPart_AndTheNextRunResumesWithRange()
    {
        int cut = archive.Length / 2;
        h.Server.Serve(TestSources.CifarPath, new(archive) { CutFirstResponseAfter = cut });
        var oneAttempt = h.Options("cifar") with { MaxAttempts = 1 };

        var (firstCode, firstError) = await FetchAsync(oneAttempt);

        Assert.Equal(1, firstCode);
        Assert.Contains("Gave up after 1 attempt(s)", firstError);
        Assert.Contains("running the same command again resumes it", firstError);
        var part = DataLayout.PartPath(ArchivePath);
        Assert.Equal(archive[..cut], File.ReadAllBytes(part));
        Assert.False(File.Exists(ArchivePath));
        Assert.False(Directory.Exists(SetFolder));

        var (code, error) = await FetchAsync(oneAttempt);

        Assert.Equal((0, ""), (code, error));
        Assert.Equal([null, $"bytes={cut}-"], h.Server.Requests.Select(r => r.Range));
        Assert.Equal(archive, File.ReadAllBytes(ArchivePath));
        Assert.False(File.Exists(part));
        Assert.Equal(TestArchives.Md5(archive), Assert.Single(DatasetManifest.Load(h.Layout.ManifestPath("cifar10")).Archives).Md5);
        Assert.Empty(await h.VerifyAsync(catalog.Get("cifar10")));
    }

    [Fact]
    public async Task CutOffTransfer_IsResumedWithinOneRun()
    {
        int cut = archive.Length / 3;
        h.Server.Serve(TestSources.CifarPath, new(archive) { CutFirstResponseAfter = cut });

        var (code, error) = await FetchAsync();

        Assert.Equal((0, ""), (code, error));
        Assert.Equal([null, $"bytes={cut}-"], h.Server.Requests.Select(r => r.Range));
        Assert.Contains("trying again (attempt 2 of 4)", h.Log.ToString());
        Assert.Equal(files["cifar-10-batches-bin/data_batch_5.bin"], File.ReadAllBytes(Path.Combine(SetFolder, "cifar-10-batches-bin/data_batch_5.bin")));
    }

    [Fact]
    public async Task StalledServer_TimesOut_AndGivesUpAfterTheAttempts()
    {
        h.Server.Serve(TestSources.CifarPath, new(archive) { Stall = true });
        var options = h.Options("cifar") with { Timeout = TimeSpan.FromMilliseconds(300), MaxAttempts = 2 };

        var (code, error) = await FetchAsync(options);

        Assert.Equal(1, code);
        Assert.Contains($"No data from {h.Server.BaseUrl}cifar/cifar-10-binary.tar.gz for 0.3 s after 0 B (timed out). Gave up after 2 attempt(s).", error);
        // Two connections: on a busy machine the second attempt can time out before the server has read its request.
        Assert.Equal(2, await h.Server.HandledConnectionsAsync(2, TimeSpan.FromSeconds(10)));
        Assert.NotEmpty(h.Server.Requests);   // the first attempt got its headers, then nothing
        Assert.Empty(Directory.EnumerateFiles(h.Sandbox, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task ServerIgnoringRange_IsDownloadedAgainFromTheStart()
    {
        int cut = archive.Length / 2;
        h.Server.Serve(TestSources.CifarPath, new(archive) { CutFirstResponseAfter = cut, IgnoreRange = true });

        var (code, error) = await FetchAsync();

        Assert.Equal((0, ""), (code, error));
        Assert.Equal([null, $"bytes={cut}-"], h.Server.Requests.Select(r => r.Range));
        Assert.Contains($"ignored the request to resume at byte {cut}", h.Log.ToString());
        Assert.Equal(archive, File.ReadAllBytes(ArchivePath));
    }

    [Fact]
    public async Task CorruptedArchive_FailsWithFileExpectedAndActualHash_AndLeavesNoFile()
    {
        var corrupted = TestArchives.Corrupted(archive, archive.Length / 2);
        h.Server.Serve(TestSources.CifarPath, new(corrupted));

        var (code, error) = await FetchAsync();

        Assert.Equal(1, code);
        Assert.Contains("cifar-10-binary.tar.gz", error);
        Assert.Contains($"MD5 checksum mismatch: expected {TestArchives.Md5(archive)}, got {TestArchives.Md5(corrupted)}", error);
        Assert.Empty(Directory.EnumerateFiles(h.Sandbox, "*", SearchOption.AllDirectories));
        Assert.False(Directory.Exists(SetFolder));

        // Once the server has the right bytes, the same command succeeds from scratch.
        h.Server.Serve(TestSources.CifarPath, new(archive));
        Assert.Equal((0, ""), await FetchAsync());
        Assert.Equal([null, null], h.Server.Requests.Select(r => r.Range));
    }

    [Fact]
    public async Task CorruptedArchive_ThrowsChecksumMismatchWithBothDigests()
    {
        var corrupted = TestArchives.Corrupted(archive, 10);
        h.Server.Serve(TestSources.CifarPath, new(corrupted));

        var ex = await Assert.ThrowsAsync<ChecksumMismatchException>(() => h.FetchAsync(catalog.Get("cifar10"), h.Options("cifar")));

        Assert.Equal(("cifar-10-binary.tar.gz", TestArchives.Md5(archive), TestArchives.Md5(corrupted)), (ex.File, ex.Expected, ex.Actual));
    }

    [Fact]
    public async Task HtmlPageInsteadOfArchive_FailsWithAHint()
    {
        h.Server.Serve(TestSources.CifarPath, new("<html>sign in</html>"u8.ToArray()) { ContentType = "text/html" });

        var (code, error) = await FetchAsync();

        Assert.Equal(1, code);
        Assert.Contains("answered with an HTML page instead of the archive", error);
        Assert.Empty(Directory.EnumerateFiles(h.Sandbox, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Verify_NamesATamperedFileWithBothHashes()
    {
        h.Server.Serve(TestSources.CifarPath, new(archive));
        Assert.Equal(0, (await FetchAsync()).Code);
        var name = "cifar-10-batches-bin/data_batch_3.bin";
        var tampered = TestArchives.Corrupted(files[name], 1234);
        File.WriteAllBytes(Path.Combine(SetFolder, name), tampered);
        var error = new StringWriter();

        int code = await VerifyCommand.RunAsync(catalog, ["cifar10"], h.Root, new PlainFetchReporter(h.Log), error);

        Assert.Equal(1, code);
        Assert.Equal(
            $"error: cifar10: FAILED{Environment.NewLine}  {name}: SHA-256 {TestArchives.Sha256(tampered)}, the manifest recorded {TestArchives.Sha256(files[name])}{Environment.NewLine}",
            error.ToString());
    }

    [Fact]
    public async Task Verify_NamesATamperedArchiveAgainstThePublishedChecksum()
    {
        h.Server.Serve(TestSources.CifarPath, new(archive));
        Assert.Equal(0, (await FetchAsync()).Code);
        var tampered = TestArchives.Corrupted(archive, 7);
        File.WriteAllBytes(ArchivePath, tampered);

        var problems = await h.VerifyAsync(catalog.Get("cifar10"));

        Assert.Equal([$"{ArchivePath}: MD5 {TestArchives.Md5(tampered)}, published {TestArchives.Md5(archive)}"], problems);
    }
}
