using System.CommandLine;
using DataPrep.Fetch;

namespace DataPrep.Tests.Fetch;

/// <summary>
/// The official catalog carries the checksums the authors publish, test catalogs override URL and checksum
/// without touching it, and the real <c>fetch</c> verb enforces the official checksum whatever URL it is given.
/// </summary>
public sealed class CatalogTests
{
    /// <summary>MD5 values as listed on https://www.cs.toronto.edu/~kriz/cifar.html and in Zalando's fashion-mnist README.</summary>
    public static TheoryData<string, string, string> PublishedMd5 => new()
    {
        { "cifar10", "cifar-10-binary.tar.gz", "c32a1d4ab5d03f1284b67883e8d87530" },
        { "cifar100", "cifar-100-binary.tar.gz", "03b5dce01913d631647c71ecec9e9cb8" },
        { "fashion-mnist", "train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d" },
        { "fashion-mnist", "train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe" },
        { "fashion-mnist", "t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79" },
        { "fashion-mnist", "t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310" },
    };

    [Theory]
    [MemberData(nameof(PublishedMd5))]
    public void OfficialEntries_CarryThePublishedMd5_EvenAfterTestOverrides(string dataset, string file, string md5)
    {
        var cifar100 = DatasetCatalog.Official.Get("cifar100");
        var overridden = DatasetCatalog.Official.With(TestSources.Cifar10For([1, 2, 3]))
            .With(cifar100 with { Archives = [cifar100.Archives[0] with { Checksum = PublishedChecksum.Md5(TestArchives.Md5([5]), "test") }] })
            .With(TestSources.FashionMnistFor(DatasetCatalog.Official.Get("fashion-mnist").Archives.ToDictionary(a => a.FileName, _ => new byte[] { 4 })));

        var official = DatasetCatalog.Official.Get(dataset).Archives.Single(a => a.FileName == file).Checksum!;
        var test = overridden.Get(dataset).Archives.Single(a => a.FileName == file).Checksum!;

        Assert.Equal(("MD5", md5), (official.Algorithm, official.Hex));
        Assert.NotEqual(md5, test.Hex);
    }

    [Fact]
    public void OfficialCifarSizes_AreTheBinaryRecordSizes()
    {
        var cifar10 = DatasetCatalog.Official.Get("cifar10").RequiredFiles.Single(f => f.Path == "cifar-10-batches-bin/data_batch_1.bin");
        var cifar100 = DatasetCatalog.Official.Get("cifar100").RequiredFiles.Single(f => f.Path == "cifar-100-binary/train.bin");
        var fashion = DatasetCatalog.Official.Get("fashion-mnist").RequiredFiles.Single(f => f.Path == "train-images-idx3-ubyte");

        Assert.Equal(10_000 * 3_073L, cifar10.Size);
        Assert.Equal(50_000 * 3_074L, cifar100.Size);
        Assert.Equal(47_040_016L, fashion.Size);
    }

    [Fact]
    public void AnArchiveNothingCouldVerify_IsRejected()
    {
        var official = DatasetCatalog.Official.Get("cifar10");
        var unverifiable = official with { Archives = [official.Archives[0] with { Checksum = null }] };

        var ex = Assert.Throws<ArgumentException>(() => DatasetCatalog.Official.With(unverifiable));

        Assert.Equal("cifar10: archive cifar-10-binary.tar.gz has neither a published checksum nor expected entries, so nothing could verify it.", ex.Message);
    }

    [Fact]
    public void UnknownName_ListsTheKnownOnes()
    {
        var ex = Assert.Throws<FetchException>(() => DatasetCatalog.Official.Get("mnist"));

        Assert.Equal("Unknown data set 'mnist'. Known data sets: cifar10, cifar100, fashion-mnist, imagenet64, voc2007, voc2012.", ex.Message);
    }

    [Fact]
    public void ArchiveUrl_PrefersUrlThenBaseUrlThenOfficial()
    {
        var source = DatasetCatalog.Official.Get("imagenet64");
        var options = new FetchOptions
        {
            Root = "unused",
            BaseUrl = new Uri("http://mirror.example/in64"),
            Urls = [new Uri("https://signed.example/x/Imagenet64_val_npz.zip?token=t")],
        };

        Assert.Equal("https://signed.example/x/Imagenet64_val_npz.zip?token=t", options.UrlFor(source, source.Archives[2]).AbsoluteUri);
        Assert.Equal("http://mirror.example/in64/Imagenet64_train_part1_npz.zip", options.UrlFor(source, source.Archives[0]).AbsoluteUri);
        Assert.Equal("https://image-net.org/data/downsample/Imagenet64_train_part2_npz.zip",
            (options with { BaseUrl = null }).UrlFor(source, source.Archives[1]).AbsoluteUri);
    }

    [Fact]
    public async Task OfficialSizes_RejectAnArchiveOfTheRightLayoutButWrongSize()
    {
        await using var h = new FetchHarness();
        var archive = TestArchives.TarGz(TestSources.CifarFiles(seed: 3).Select(f => (f.Key, f.Value)));
        h.Server.Serve(TestSources.CifarPath, new(archive));
        var official = DatasetCatalog.Official.Get("cifar10");
        var checksumOnly = official with { Archives = [official.Archives[0] with { Checksum = PublishedChecksum.Md5(TestArchives.Md5(archive), "test") }] };

        var ex = await Assert.ThrowsAsync<FetchException>(() => h.FetchAsync(checksumOnly, h.Options("cifar")));

        Assert.Contains("cifar-10-batches-bin/data_batch_1.bin: 8000 bytes, expected 30730000", ex.Message);
        Assert.Contains("Nothing was installed.", ex.Message);
        Assert.False(Directory.Exists(h.Layout.DatasetFolder("cifar10")));
        Assert.False(Directory.Exists(h.Layout.StagingFolder("cifar10")));
    }

    [Fact]
    public async Task FetchVerb_WithAMirrorUrl_StillEnforcesThePublishedChecksum()
    {
        await using var h = new FetchHarness();
        var archive = TestArchives.TarGz(TestSources.CifarFiles(seed: 4).Select(f => (f.Key, f.Value)));
        h.Server.Serve(TestSources.CifarPath, new(archive));
        var (output, error) = (new StringWriter(), new StringWriter());

        int code = await new RootCommand { FetchCommand.Create() }
            .Parse(["fetch", "cifar10", "--root", h.Root, "--base-url", h.Server.Folder("cifar").AbsoluteUri])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error });

        Assert.Equal(1, code);
        Assert.Contains($"MD5 checksum mismatch: expected c32a1d4ab5d03f1284b67883e8d87530, got {TestArchives.Md5(archive)}", error.ToString());
        Assert.Empty(Directory.EnumerateFiles(h.Sandbox, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task FetchVerb_RejectsAUrlThatNamesNoArchive()
    {
        var error = new StringWriter();

        int code = await new RootCommand { FetchCommand.Create() }
            .Parse(["fetch", "cifar10", "--root", "unused", "--url", "http://127.0.0.1:9/cifar-10-python.tar.gz"])
            .InvokeAsync(new InvocationConfiguration { Output = new StringWriter(), Error = error });

        Assert.Equal(2, code);
        Assert.Equal("error: --url http://127.0.0.1:9/cifar-10-python.tar.gz: 'cifar-10-python.tar.gz' is not an archive of cifar10; expected one of: cifar-10-binary.tar.gz."
            + Environment.NewLine, error.ToString());
        Assert.False(Directory.Exists("unused"));
    }
}
