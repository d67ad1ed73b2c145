using DataPrep.Fetch;

namespace DataPrep.Tests.Fetch;

/// <summary>Fashion-MNIST's four .gz files fetched and unpacked to plain IDX files, alone and beside a failing set.</summary>
public sealed class FashionMnistFetchTests : IAsyncLifetime
{
    readonly FetchHarness h = new();
    readonly Dictionary<string, byte[]> idx = [];
    readonly Dictionary<string, byte[]> gz = [];
    DatasetCatalog catalog = DatasetCatalog.Official;

    public Task InitializeAsync()
    {
        foreach (var (archive, i) in DatasetCatalog.Official.Get("fashion-mnist").Archives.Select((a, i) => (a, i)))
        {
            var raw = TestArchives.Bytes(2_000 + 100 * i, seed: 40 + i);
            idx[archive.FileName[..^3]] = raw;
            gz[archive.FileName] = TestArchives.Gzip(raw);
            h.Server.Serve("/fashion/" + archive.FileName, new(gz[archive.FileName]));
        }
        catalog = DatasetCatalog.Official.With(TestSources.FashionMnistFor(gz));
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => h.DisposeAsync().AsTask();

    [Fact]
    public async Task FourGzFiles_AreUnpackedToIdxFiles()
    {
        var error = new StringWriter();

        int code = await FetchCommand.RunAsync(catalog, ["fashion-mnist"], h.Options("fashion"), new PlainFetchReporter(h.Log), error);

        Assert.Equal((0, ""), (code, error.ToString()));
        Assert.Equal(4, h.Server.Requests.Count);
        var folder = h.Layout.DatasetFolder("fashion-mnist");
        Assert.Equal(idx.Keys.Append(DatasetManifest.FileName).Order(StringComparer.Ordinal),
            Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var (name, data) in idx) Assert.Equal(data, File.ReadAllBytes(Path.Combine(folder, name)));
        var manifest = DatasetManifest.Load(h.Layout.ManifestPath("fashion-mnist"));
        Assert.Equal(gz.Keys.Order(StringComparer.Ordinal), manifest.Archives.Select(a => a.File).Order(StringComparer.Ordinal));
        Assert.All(manifest.Archives, a => Assert.Equal(TestArchives.Md5(gz[a.File]), a.Md5));
    }

    [Fact]
    public async Task OneFailingSet_DoesNotStopTheOthers()
    {
        var cifar = TestArchives.TarGz(TestSources.CifarFiles(seed: 5).Select(f => (f.Key, f.Value)));
        h.Server.Serve(TestSources.CifarPath, new(TestArchives.Corrupted(cifar, 3)));
        var both = catalog.With(TestSources.Cifar10For(cifar));
        var options = h.Options("fashion") with { Urls = [new Uri(h.Server.BaseUrl, TestSources.CifarPath)] };
        var error = new StringWriter();

        int code = await FetchCommand.RunAsync(both, ["cifar10", "fashion-mnist"], options, new PlainFetchReporter(h.Log), error);

        Assert.Equal(1, code);
        Assert.StartsWith("error: cifar10: cifar-10-binary.tar.gz", error.ToString());
        Assert.False(Directory.Exists(h.Layout.DatasetFolder("cifar10")));
        Assert.Empty(await h.VerifyAsync(both.Get("fashion-mnist")));
    }
}
