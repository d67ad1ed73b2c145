using System.IO.Compression;
using Distill.Data.Detection;

namespace Distill.Tests.Detection;

public sealed class FashionMnistItemsTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("fmnist-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    void WriteGz(string name, byte[] content)
    {
        using var gz = new GZipStream(File.Create(Path.Combine(dir, name)), CompressionLevel.Fastest);
        gz.Write(content);
    }

    static byte[] Header(params int[] words) => words.SelectMany(w => BitConverter.GetBytes(w).Reverse()).ToArray();

    void WriteSplit(int count, byte[] labels, int rows = 28, int? pixelBytes = null, int imageMagic = 0x803)
    {
        WriteGz("t10k-images-idx3-ubyte.gz", [.. Header(imageMagic, count, rows, 28), .. new byte[pixelBytes ?? count * 28 * 28]]);
        WriteGz("t10k-labels-idx1-ubyte.gz", [.. Header(0x801, labels.Length), .. labels]);
    }

    [Fact]
    public void ReadsItemsAndLabels()
    {
        WriteSplit(3, [9, 0, 4]);
        var items = FashionMnistItems.Load(dir, train: false);
        Assert.Equal(3, items.Count);
        Assert.Equal([9, 0, 4], items.Labels);
        Assert.Equal(28 * 28, items.Item(2).Length);
        Assert.Equal(2, FashionMnistItems.Load(dir, train: false, limit: 2).Count);
    }

    [Fact]
    public void RealTestSplitHasTenBalancedClasses()
    {
        var items = FashionMnistItems.Load(FashionMnistItems.DefaultFolder, train: false);
        Assert.Equal(10_000, items.Count);
        Assert.All(items.Labels.GroupBy(l => l), g => Assert.Equal(1000, g.Count()));
    }

    [Fact]
    public void BadFilesAreNamedWithOffsets()
    {
        WriteSplit(2, [1, 2], imageMagic: 0x801);
        var magic = Assert.Throws<InvalidDataException>(() => FashionMnistItems.Load(dir, train: false));
        Assert.Equal($"{Path.Combine(dir, "t10k-images-idx3-ubyte.gz")}: IDX magic 0x00000801 at byte 0, expected 0x00000803.", magic.Message);

        WriteSplit(2, [1, 2], rows: 27);
        Assert.Contains("dimension 1 is 27 at byte 8, expected 28", Assert.Throws<InvalidDataException>(() => FashionMnistItems.Load(dir, train: false)).Message);

        WriteSplit(2, [1, 2], pixelBytes: 1000);
        Assert.Contains("ends at byte 1016 of the decompressed data; 1568 bytes were expected from byte 16",
            Assert.Throws<InvalidDataException>(() => FashionMnistItems.Load(dir, train: false)).Message);

        WriteSplit(2, [1, 2, 3]);
        Assert.Contains("holds 2 images but", Assert.Throws<InvalidDataException>(() => FashionMnistItems.Load(dir, train: false)).Message);

        WriteSplit(2, [1, 12]);
        Assert.Contains("label 12 of item 1 (byte offset 9) is not in 0..9", Assert.Throws<InvalidDataException>(() => FashionMnistItems.Load(dir, train: false)).Message);

        Assert.Contains("train-images-idx3-ubyte.gz does not exist", Assert.Throws<FileNotFoundException>(() => FashionMnistItems.Load(dir, train: true)).Message);
    }
}
