using Distill.Data;

namespace Distill.Tests.Data;

/// <summary>A fresh folder under the system temp folder, deleted on dispose.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "distill-data-" + Guid.NewGuid().ToString("N"));

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}

/// <summary>Small hand-made data sets whose every byte is known, and helpers for damaging files.</summary>
public static class DataFixtures
{
    /// <summary>Pixel value of image i, channel c, row y, column x: distinct across images for any small split.</summary>
    public static byte Pixel(int i, int c, int y, int x) => (byte)((i * 37 + c * 101 + y * 7 + x * 3) % 251);

    /// <summary>A split of <paramref name="count"/> images whose label is i % numClasses and pixels follow <see cref="Pixel"/>.</summary>
    public static ImageSplit Split(int count, int channels, int side, int numClasses, int coarseClasses = 0)
    {
        var pixels = new byte[count * channels * side * side];
        int at = 0;
        for (int i = 0; i < count; i++)
            for (int c = 0; c < channels; c++)
                for (int y = 0; y < side; y++)
                    for (int x = 0; x < side; x++)
                        pixels[at++] = Pixel(i, c, y, x);
        var labels = Enumerable.Range(0, count).Select(i => (long)((i * 7 + 3) % numClasses)).ToArray();
        var coarse = coarseClasses > 0 ? labels.Select(l => l % coarseClasses).ToArray() : null;
        return new ImageSplit(pixels, labels, channels, side, side, coarse);
    }

    public static string[] Names(int count, string prefix = "class") =>
        Enumerable.Range(0, count).Select(i => $"{prefix} {i}").ToArray();

    public static ImageDataset Cifar10Set(int train = 25, int test = 7) =>
        new(Cifar10.Name, Names(10), Split(train, 3, 32, 10), Split(test, 3, 32, 10));

    public static ImageDataset Cifar100Set(int train = 30, int test = 9) =>
        new(Cifar100.Name, Names(100), Split(train, 3, 32, 100, 20), Split(test, 3, 32, 100, 20), Names(20, "group"));

    public static ImageDataset FashionSet(int train = 40, int test = 11) =>
        new(FashionMnist.Name, FashionMnist.ClassNames, Split(train, 1, 28, 10), Split(test, 1, 28, 10));

    public static ImageDataset ImageNetSet(int train = 23, int test = 6) =>
        new(ImageNet64.Name, Names(1000), Split(train, 3, 64, 1000), Split(test, 3, 64, 1000));

    /// <summary>Asserts that two splits hold the same images, labels and coarse labels.</summary>
    public static void AssertSameSplit(ImageSplit expected, ImageSplit actual)
    {
        Assert.Equal((expected.Channels, expected.Height, expected.Width), (actual.Channels, actual.Height, actual.Width));
        Assert.Equal(expected.Labels, actual.Labels);
        Assert.Equal(expected.CoarseLabels, actual.CoarseLabels);
        for (int i = 0; i < expected.Count; i++)
            Assert.True(expected.Image(i).SequenceEqual(actual.Image(i)), $"image {i} differs");
    }

    public static void Truncate(string path, long keep)
    {
        using var file = new FileStream(path, FileMode.Open);
        file.SetLength(keep);
    }

    public static void Poke(string path, long offset, byte value)
    {
        using var file = new FileStream(path, FileMode.Open);
        file.Position = offset;
        file.WriteByte(value);
    }

    /// <summary>Runs <paramref name="read"/>, which must fail with a <see cref="DataFormatException"/> naming the file.</summary>
    public static DataFormatException Damaged(Action read, string file)
    {
        var e = Assert.Throws<DataFormatException>(read);
        Assert.Contains(file, e.Message);
        return e;
    }
}
