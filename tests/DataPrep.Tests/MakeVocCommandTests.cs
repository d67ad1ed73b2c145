using Distill.Data.Detection;
using DataPrep;

namespace DataPrep.Tests;

public sealed class MakeVocCommandTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("make-voc-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void WritesScenesTheVocReaderOpens()
    {
        int rc = MakeVocCommand.Create().Parse(["--out", dir, "--train", "3", "--test", "2", "--size", "64", "--seed", "4"]).Invoke();
        Assert.Equal(0, rc);
        var root = Path.Combine(dir, "VOCdevkit", "VOCScenes");
        var train = VocDataset.Open(root, "train");
        Assert.Equal(["000000", "000001", "000002"], train.Ids);
        Assert.Equal(["100000", "100001"], VocDataset.Open(root, "test").Ids);
        Assert.Equal(FashionMnistItems.Classes.Order(StringComparer.Ordinal), train.Classes);
        var first = train.Annotation(0);
        Assert.Equal((64, 64), (first.Width, first.Height));
        Assert.NotEmpty(first.Objects);
        Assert.True(File.Exists(train.ImagePath(first)));
    }

    [Fact]
    public void ClassesAndSizeOptionsShapeTheScenes()
    {
        int rc = MakeVocCommand.Create().Parse(["--out", dir, "--train", "6", "--test", "2", "--size", "64", "--classes", "ankle_boot, tshirt",
                                                "--min-object", "20", "--max-object", "40"]).Invoke();
        Assert.Equal(0, rc);
        var root = Path.Combine(dir, "VOCdevkit", "VOCScenes");
        var train = VocDataset.Open(root, "train");
        Assert.Equal(["ankle_boot", "tshirt"], train.Classes);
        var names = Enumerable.Range(0, train.Count).SelectMany(i => train.Annotation(i).Objects.Select(o => o.Name)).ToList();
        Assert.NotEmpty(names);
        Assert.All(names, n => Assert.Contains(n, train.Classes));
        // Tight boxes lie inside the pasted 20..40 px square of the article: no side above 40.
        var boxes = Enumerable.Range(0, train.Count).SelectMany(i => train.Annotation(i).Objects.Select(o => o.Box)).ToList();
        Assert.All(boxes, b => Assert.InRange(Math.Max(b.XMax - b.XMin + 1, b.YMax - b.YMin + 1), 1, 40));
        Assert.False(File.Exists(Path.Combine(root, "ImageSets", "Main", "bag_train.txt")));
    }

    [Fact]
    public void SameSeedSameFiles()
    {
        string a = Path.Combine(dir, "a"), b = Path.Combine(dir, "b");
        foreach (var output in new[] { a, b })
            Assert.Equal(0, MakeVocCommand.Create().Parse(["--out", output, "--train", "2", "--test", "1", "--size", "64"]).Invoke());
        foreach (var file in Directory.EnumerateFiles(a, "*", SearchOption.AllDirectories))
            Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(Path.Combine(b, Path.GetRelativePath(a, file))));
    }

    [Theory]
    [InlineData(new[] { "--train", "0", "--test", "0" }, 2)]
    [InlineData(new[] { "--size", "16" }, 2)]
    [InlineData(new[] { "--fashion-mnist", "/nonexistent-fmnist" }, 1)]
    [InlineData(new[] { "--classes", "tshirt,hat" }, 2)]
    [InlineData(new[] { "--size", "64", "--min-object", "40", "--max-object", "30" }, 2)]
    [InlineData(new[] { "--size", "64", "--max-object", "80" }, 2)]
    public void BadArgumentsFailWithoutWriting(string[] extra, int expected)
    {
        var output = Path.Combine(dir, "out");
        Assert.Equal(expected, MakeVocCommand.Create().Parse(["--out", output, .. extra]).Invoke());
        Assert.False(Directory.Exists(Path.Combine(output, "VOCdevkit", "VOCScenes", "JPEGImages")) &&
                     Directory.EnumerateFiles(Path.Combine(output, "VOCdevkit", "VOCScenes", "JPEGImages")).Any());
    }

    [Fact]
    public void Voc2007LayoutAtVocsSizeWithPascalClasses()
    {
        int rc = MakeVocCommand.Create().Parse(["--out", dir, "--train", "4", "--test", "2", "--size", "500x375", "--folder", "VOC2007",
                                                "--pascal-classes", "--min-object", "40", "--max-object", "200"]).Invoke();
        Assert.Equal(0, rc);
        var root = Path.Combine(dir, "VOCdevkit", "VOC2007");
        var train = VocDataset.Open(root, "trainval");
        Assert.Equal(VocDataset.VocClasses, train.Classes);
        Assert.Equal(4, train.Count);
        Assert.Equal(2, VocDataset.Open(root, "test", train.Classes).Count);
        var annotations = Enumerable.Range(0, train.Count).Select(train.Annotation).ToList();
        Assert.All(annotations, a => Assert.Equal((500, 375), (a.Width, a.Height)));
        using (var image = SkiaSharp.SKBitmap.Decode(train.ImagePath(annotations[0])))
            Assert.Equal((500, 375), (image.Width, image.Height));
        var boxes = annotations.SelectMany(a => a.Objects).ToList();
        Assert.NotEmpty(boxes);
        Assert.All(boxes, o => Assert.Contains(o.Name, VocDataset.VocClasses));
        Assert.All(boxes, o => Assert.InRange(o.Box.XMax, 1, 500));
        Assert.All(boxes, o => Assert.InRange(o.Box.YMax, 1, 375));
    }

    [Theory]
    [InlineData("500x16")]
    [InlineData("500x")]
    [InlineData("wide")]
    public void BadSizesAreRejected(string size) =>
        Assert.Equal(2, MakeVocCommand.Create().Parse(["--out", dir, "--size", size]).Invoke());
}
