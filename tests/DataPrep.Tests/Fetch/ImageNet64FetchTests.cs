using DataPrep.Fetch;

namespace DataPrep.Tests.Fetch;

/// <summary>
/// The official imagenet64 entry, unchanged, fetched from 127.0.0.1 with user-supplied URLs and a session
/// cookie: image-net.org publishes no checksums, so archives are accepted on their layout and their SHA-256
/// is recorded for later verify runs.
/// </summary>
public sealed class ImageNet64FetchTests : IAsyncLifetime
{
    const string Cookie = "sessionid=test-session";
    readonly FetchHarness h = new();
    readonly DatasetSource source = DatasetCatalog.Official.Get("imagenet64");
    readonly Dictionary<string, byte[]> npz = [];
    readonly Dictionary<string, byte[]> zips = [];

    public Task InitializeAsync()
    {
        foreach (var archive in source.Archives)
        {
            foreach (var (entry, i) in archive.ExpectedEntries.Select((e, i) => (e, i)))
                npz[entry] = TestArchives.Npz(seed: npz.Count + i, "data", "labels");
            zips[archive.FileName] = TestArchives.Zip(archive.ExpectedEntries.Select(e => (e, npz[e])));
        }
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => h.DisposeAsync().AsTask();

    /// <summary>Train archives under /mirror/ (--base-url), the validation archive at a signed link (--url).</summary>
    FetchOptions ServeAll(byte[]? validation = null)
    {
        h.Server.Serve("/mirror/Imagenet64_train_part1_npz.zip", new(zips["Imagenet64_train_part1_npz.zip"]));
        h.Server.Serve("/mirror/Imagenet64_train_part2_npz.zip", new(zips["Imagenet64_train_part2_npz.zip"]));
        h.Server.Serve("/signed/Imagenet64_val_npz.zip", new(validation ?? zips["Imagenet64_val_npz.zip"]));
        return h.Options("mirror") with
        {
            Urls = [new Uri(h.Server.BaseUrl, "signed/Imagenet64_val_npz.zip?token=secret")],
            Headers = [new("Cookie", Cookie)],
        };
    }

    [Fact]
    public async Task UserSuppliedUrlsAndCookie_FetchAllElevenBatches_AndRecordSha256()
    {
        var options = ServeAll();

        var outcome = await h.FetchAsync(source, options);

        Assert.Equal(FetchOutcome.Fetched, outcome);
        Assert.Equal(["/mirror/Imagenet64_train_part1_npz.zip", "/mirror/Imagenet64_train_part2_npz.zip", "/signed/Imagenet64_val_npz.zip"],
            h.Server.Requests.Select(r => r.Path));
        Assert.All(h.Server.Requests, r => Assert.Equal(Cookie, r.Headers["Cookie"]));
        Assert.Equal(11, npz.Count);
        foreach (var (entry, data) in npz)
            Assert.Equal(data, File.ReadAllBytes(Path.Combine(h.Layout.DatasetFolder("imagenet64"), entry)));

        var manifest = DatasetManifest.Load(h.Layout.ManifestPath("imagenet64"));
        Assert.All(manifest.Archives, a => Assert.Equal((DatasetManifest.RecordedChecksum, TestArchives.Sha256(zips[a.File])), (a.Checksum, a.Sha256)));
        var validation = manifest.Archives.Single(a => a.File == "Imagenet64_val_npz.zip");
        Assert.Equal(new Uri(h.Server.BaseUrl, "signed/Imagenet64_val_npz.zip").AbsoluteUri, validation.Url);
        foreach (var (name, data) in zips)
            Assert.Equal($"{TestArchives.Sha256(data)}  {name}\n",
                File.ReadAllText(DataLayout.RecordedSha256Path(Path.Combine(h.Layout.DownloadsFolder("imagenet64"), name))));
        Assert.DoesNotContain("image-net.org serves these archives only to signed-in users", h.Log.ToString());

        Assert.Empty(await h.VerifyAsync(source));
        Assert.Equal(FetchOutcome.AlreadyComplete, await h.FetchAsync(source, options));
        Assert.Equal(3, h.Server.Requests.Count);
    }

    [Fact]
    public async Task Verify_ChecksKeptArchivesAgainstTheSha256RecordedOnFirstFetch()
    {
        await h.FetchAsync(source, ServeAll());
        var kept = Path.Combine(h.Layout.DownloadsFolder("imagenet64"), "Imagenet64_train_part2_npz.zip");
        var tampered = TestArchives.Corrupted(zips["Imagenet64_train_part2_npz.zip"], 40);
        File.WriteAllBytes(kept, tampered);

        var problems = await h.VerifyAsync(source);

        Assert.Equal([$"{kept}: SHA-256 {TestArchives.Sha256(tampered)}, recorded on first fetch {TestArchives.Sha256(zips["Imagenet64_train_part2_npz.zip"])}"],
            problems);
    }

    [Fact]
    public async Task ArchiveWithoutTheExpectedEntries_IsRejected_AndNotKept()
    {
        var wrong = TestArchives.Zip([("Imagenet64_val_npz/other.npz", npz["Imagenet64_val_npz/val_data.npz"])]);
        var options = ServeAll(validation: wrong);

        var ex = await Assert.ThrowsAsync<FetchException>(() => h.FetchAsync(source, options));

        Assert.StartsWith("Imagenet64_val_npz.zip does not have the expected layout: missing Imagenet64_val_npz/val_data.npz (it lists 1 entries)", ex.Message);
        Assert.Equal(["Imagenet64_train_part1_npz.zip", "Imagenet64_train_part1_npz.zip.sha256", "Imagenet64_train_part2_npz.zip", "Imagenet64_train_part2_npz.zip.sha256"],
            Directory.EnumerateFiles(h.Layout.DownloadsFolder("imagenet64")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.False(Directory.Exists(h.Layout.DatasetFolder("imagenet64")));
    }

    [Fact]
    public async Task NpzWithoutLabels_IsNotInstalled()
    {
        var noLabels = TestArchives.Zip([("Imagenet64_val_npz/val_data.npz", TestArchives.Npz(seed: 99, "data"))]);
        var options = ServeAll(validation: noLabels);

        var ex = await Assert.ThrowsAsync<FetchException>(() => h.FetchAsync(source, options));

        Assert.Contains("Imagenet64_val_npz/val_data.npz: has no array 'labels'", ex.Message);
        Assert.Contains("Nothing was installed.", ex.Message);
        Assert.Equal(["data/downloads"], h.SandboxEntries().Where(e => e.Count(c => c == '/') == 1));
    }

    [Fact]
    public async Task SignedUrlQuery_NeverAppearsInMessages()
    {
        var options = ServeAll() with { Urls = [new Uri(h.Server.BaseUrl, "expired/Imagenet64_val_npz.zip?token=secret")] };

        var ex = await Assert.ThrowsAsync<FetchException>(() => h.FetchAsync(source, options));

        Assert.Equal($"HTTP 404 (Not Found) from {h.Server.BaseUrl}expired/Imagenet64_val_npz.zip?....", ex.Message);
        Assert.DoesNotContain("secret", h.Log.ToString());
    }

    [Fact]
    public async Task MissingArchive_FailsAtOnceWithTheStatusAndUrl()
    {
        var options = ServeAll() with { Urls = [new Uri(h.Server.BaseUrl, "expired/Imagenet64_val_npz.zip")] };

        var ex = await Assert.ThrowsAsync<FetchException>(() => h.FetchAsync(source, options));

        Assert.Equal($"HTTP 404 (Not Found) from {h.Server.BaseUrl}expired/Imagenet64_val_npz.zip.", ex.Message);
        Assert.Single(h.Server.Requests, r => r.Path == "/expired/Imagenet64_val_npz.zip");
        Assert.False(Directory.Exists(h.Layout.DatasetFolder("imagenet64")));
    }
}
