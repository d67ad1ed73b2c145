using System.Buffers.Binary;
using Distill.Data;
using static Distill.Tests.Data.DataFixtures;

namespace Distill.Tests.Data;

/// <summary>Fashion-MNIST IDX files, gzip and raw: layout, round trips, damage, and the real Debian files.</summary>
public class FashionMnistTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void RoundTripsGzipAndRaw(bool gzip)
    {
        using var tmp = new TempFolder();
        var data = FashionSet();
        FashionMnist.Write(data, tmp.Path, gzip);
        Assert.Equal(gzip, File.Exists(tmp.File("train-images-idx3-ubyte.gz")));
        var read = FashionMnist.Read(tmp.Path);
        Assert.Equal(FashionMnist.ClassNames, read.ClassNames);
        AssertSameSplit(data.Train, read.Train);
        AssertSameSplit(data.Test, read.Test);
    }

    [Fact]
    public void RawFilesHaveBigEndianMagicAndSizes()
    {
        using var tmp = new TempFolder();
        FashionMnist.Write(FashionSet(train: 40), tmp.Path, gzip: false);
        var images = File.ReadAllBytes(tmp.File("train-images-idx3-ubyte"));
        Assert.Equal(16 + 40 * 784, images.Length);
        Assert.Equal(new byte[] { 0, 0, 8, 3, 0, 0, 0, 40, 0, 0, 0, 28, 0, 0, 0, 28 }, images[..16]);
        Assert.Equal(Pixel(1, 0, 2, 3), images[16 + 784 + 2 * 28 + 3]);
        var labels = File.ReadAllBytes(tmp.File("train-labels-idx1-ubyte"));
        Assert.Equal(new byte[] { 0, 0, 8, 1, 0, 0, 0, 40 }, labels[..8]);
        Assert.Equal((2 * 7 + 3) % 10, labels[8 + 2]);
    }

    [Fact]
    public void LabelsFileInPlaceOfImagesIsAWrongMagic()
    {
        using var tmp = new TempFolder();
        FashionMnist.Write(FashionSet(), tmp.Path);
        var images = tmp.File("t10k-images-idx3-ubyte.gz");
        File.Copy(tmp.File("t10k-labels-idx1-ubyte.gz"), images, overwrite: true);
        var e = Damaged(() => FashionMnist.Read(tmp.Path), images);
        Assert.Equal("offset 0", e.Where);
        Assert.Equal("magic number 2049 (0x00000801) is not 2051 (0x00000803); this is a 1-dimensional ubyte file", e.Problem);
    }

    [Fact]
    public void NonIdxFileIsAWrongMagic()
    {
        using var tmp = new TempFolder();
        FashionMnist.Write(FashionSet(), tmp.Path, gzip: false);
        var labels = tmp.File("train-labels-idx1-ubyte");
        File.WriteAllText(labels, "<html>404 Not Found</html>");
        var e = Damaged(() => FashionMnist.Read(tmp.Path), labels);
        Assert.EndsWith("this is not an IDX ubyte file", e.Problem);
    }

    [Fact]
    public void TruncatedRawImagesReportTheMissingBytes()
    {
        using var tmp = new TempFolder();
        FashionMnist.Write(FashionSet(train: 40), tmp.Path, gzip: false);
        var path = tmp.File("train-images-idx3-ubyte");
        Truncate(path, 16 + 39 * 784 + 5);
        var e = Damaged(() => FashionMnist.Read(tmp.Path), path);
        Assert.Contains($"need {16 + 40 * 784} bytes but the file is {16 + 39 * 784 + 5} bytes", e.Problem);
    }

    [Fact]
    public void TruncatedHeaderSaysWhereTheFileEnds()
    {
        using var tmp = new TempFolder();
        FashionMnist.Write(FashionSet(), tmp.Path, gzip: false);
        var path = tmp.File("t10k-images-idx3-ubyte");
        Truncate(path, 10);
        var e = Damaged(() => FashionMnist.Read(tmp.Path), path);
        Assert.Equal("offset 10", e.Where);
        Assert.Equal("the file ends inside the dimension sizes (6 of 12 bytes read)", e.Problem);
    }

    [Fact]
    public void TruncatedGzipIsAnError()
    {
        using var tmp = new TempFolder();
        FashionMnist.Write(FashionSet(), tmp.Path);
        var path = tmp.File("train-images-idx3-ubyte.gz");
        Truncate(path, new FileInfo(path).Length / 2);
        Damaged(() => FashionMnist.Read(tmp.Path), path);
    }

    [Fact]
    public void GarbledGzipIsAnError()
    {
        using var tmp = new TempFolder();
        FashionMnist.Write(FashionSet(), tmp.Path);
        var path = tmp.File("train-images-idx3-ubyte.gz");
        var bytes = File.ReadAllBytes(path);
        for (int i = 12; i < bytes.Length - 8; i += 3) bytes[i] ^= 0x5a; // keep the gzip magic, trash the deflate stream
        File.WriteAllBytes(path, bytes);
        Damaged(() => FashionMnist.Read(tmp.Path), path);
    }

    [Fact]
    public void LabelOutOfRangeNamesRecordAndOffset()
    {
        using var tmp = new TempFolder();
        FashionMnist.Write(FashionSet(), tmp.Path, gzip: false);
        var path = tmp.File("train-labels-idx1-ubyte");
        Poke(path, 8 + 5, 10);
        var e = Damaged(() => FashionMnist.Read(tmp.Path), path);
        Assert.Equal("record 5 (offset 13)", e.Where);
        Assert.Equal("label 10 is outside 0..9", e.Problem);
    }

    [Fact]
    public void EmptyFileIsAnError()
    {
        using var tmp = new TempFolder();
        FashionMnist.Write(FashionSet(), tmp.Path);
        var path = tmp.File("t10k-labels-idx1-ubyte.gz");
        File.WriteAllBytes(path, []);
        Assert.Equal("the file is empty", Damaged(() => FashionMnist.Read(tmp.Path), path).Problem);
    }

    [Fact]
    public void LabelCountMustMatchImageCount()
    {
        using var tmp = new TempFolder();
        FashionMnist.Write(FashionSet(test: 11), tmp.Path);
        var path = tmp.File("t10k-labels-idx1-ubyte.gz");
        Idx.Write(path, [12], [new byte[12]]);
        Assert.Equal("12 labels for the 11 images of t10k-images-idx3-ubyte.gz", Damaged(() => FashionMnist.Read(tmp.Path), path).Problem);
    }

    [Fact]
    public void ImagesOfTheWrongSideAreAnError()
    {
        using var tmp = new TempFolder();
        FashionMnist.Write(FashionSet(test: 11), tmp.Path);
        var path = tmp.File("t10k-images-idx3-ubyte.gz");
        Idx.Write(path, [11, 27, 29], [new byte[11 * 27 * 29]]);
        Assert.Equal("images are 27x29, not 28x28", Damaged(() => FashionMnist.Read(tmp.Path), path).Problem);
    }

    [Fact]
    public void HeaderClaimingMoreImagesThanTheFileHoldsIsAnError()
    {
        using var tmp = new TempFolder();
        FashionMnist.Write(FashionSet(train: 40), tmp.Path, gzip: false);
        var path = tmp.File("train-images-idx3-ubyte");
        var count = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(count, 1_000_000);
        using (var file = new FileStream(path, FileMode.Open)) { file.Position = 4; file.Write(count); }
        var e = Damaged(() => FashionMnist.Read(tmp.Path), path);
        Assert.Equal("offset 4", e.Where);
        Assert.Contains("lying header", e.Problem);
    }

    /// <summary>
    /// The real data set from Debian's dataset-fashion-mnist (installed by environment/setup.sh): 60000 + 10000
    /// images, perfectly balanced, and the published per-channel statistics (mean 0.2860, std 0.3530).
    /// </summary>
    [Fact]
    public void ReadsTheRealFashionMnistFiles()
    {
        var data = FashionMnist.Read(FashionMnist.DebianFolder);
        Assert.Equal(60000, data.Train.Count);
        Assert.Equal(10000, data.Test.Count);
        Assert.All(data.Train.ClassCounts(10), n => Assert.Equal(6000, n));
        Assert.All(data.Test.ClassCounts(10), n => Assert.Equal(1000, n));
        var stats = ChannelStats.Measure(data.Train);
        Assert.Equal(0.2860, stats.Mean[0], 0.0005);
        Assert.Equal(0.3530, stats.Std[0], 0.0005);
    }
}
