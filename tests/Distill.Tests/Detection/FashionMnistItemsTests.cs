using System.IO.Compression;
using Distill.Data;
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
        Assert.Equal([9, 0, 4], Enumerable.Range(0, 3).Select(items.Label));
        Assert.Equal(28 * 28, items.Item(2).Length);
        var two = FashionMnistItems.Load(dir, train: false, limit: 2);
        Assert.Equal(2, two.Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => two.Label(2));
    }

    [Fact]
    public void RealTestSplitHasTenBalancedClasses()
    {
        var items = FashionMnistItems.Load(FashionMnistItems.DefaultFolder, train: false);
        Assert.Equal(10_000, items.Count);
        Assert.All(Enumerable.Range(0, items.Count).GroupBy(items.Label), g => Assert.Equal(1000, g.Count()));
    }

    [Fact]
    public void BadFilesAreErrorsOfTheValidatingReaderNamingTheFile()
    {
        WriteSplit(2, [1, 12]);
        var label = Assert.Throws<DataFormatException>(() => FashionMnistItems.Load(dir, train: false));
        Assert.Contains(Path.Combine(dir, "t10k-labels-idx1-ubyte.gz"), label.Message);
        Assert.Contains("label 12 is outside 0..9", label.Message);

        WriteSplit(2, [1, 2], rows: 27, pixelBytes: 2 * 27 * 28);
        Assert.Contains("images are 27x28, not 28x28", Assert.Throws<DataFormatException>(() => FashionMnistItems.Load(dir, train: false)).Message);

        Assert.Contains("train-images-idx3-ubyte.gz", Assert.Throws<DatasetNotFoundException>(() => FashionMnistItems.Load(dir, train: true)).Message);
    }
}
