using Distill.Data;
using static Distill.Tests.Data.DataFixtures;

namespace Distill.Tests.Data;

/// <summary>Sharded host splits: indexing across shard boundaries, slicing, Take, validation; and the catalog.</summary>
public class ImageSplitTests
{
    /// <summary>7 images of 1x2x2 in shards of 3, 0, 4 images; image i is filled with the value i.</summary>
    static ImageSplit Sharded() =>
        new([Enumerable.Repeat((byte)0, 4).Concat(Enumerable.Repeat((byte)1, 4)).Concat(Enumerable.Repeat((byte)2, 4)).ToArray(),
             [],
             Enumerable.Range(3, 4).SelectMany(i => Enumerable.Repeat((byte)i, 4)).ToArray()],
            [0, 1, 2, 0, 1, 2, 0], 1, 2, 2);

    [Fact]
    public void IndexesAcrossShards()
    {
        var split = Sharded();
        Assert.Equal(7, split.Count);
        Assert.Equal(2, split.Shards.Count); // the empty shard is dropped
        for (int i = 0; i < 7; i++) Assert.Equal(Enumerable.Repeat((byte)i, 4), split.Image(i).ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => split.Image(7).Length);
    }

    [Fact]
    public void PixelsOfARangeSpanningShardsComeInOrder()
    {
        var pieces = Sharded().Pixels(2, 3).ToList();
        Assert.Equal(2, pieces.Count);
        Assert.Equal(new byte[] { 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4 }, pieces.SelectMany(p => p.ToArray()));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sharded().Pixels(5, 3).ToList());
    }

    [Fact]
    public void TakeCopiesTheFirstImagesAndLabels()
    {
        var first = Sharded().Take(4);
        Assert.Single(first.Shards);
        Assert.Equal(new long[] { 0, 1, 2, 0 }, first.Labels);
        Assert.Equal(Enumerable.Repeat((byte)3, 4), first.Image(3).ToArray());
        Assert.Equal(7, Sharded().Take(100).Count);
        Assert.Equal(new[] { 3, 2, 2 }, Sharded().ClassCounts(3));
    }

    [Fact]
    public void RejectsInconsistentShapes()
    {
        Assert.Throws<ArgumentException>(() => new ImageSplit(new byte[10], [0, 1], 1, 2, 2));
        Assert.Throws<ArgumentException>(() => new ImageSplit(new byte[8], [0, 1, 2], 1, 2, 2));
        Assert.Throws<ArgumentException>(() => new ImageSplit(new byte[8], [0, 1], 1, 2, 2, coarseLabels: [0]));
        Assert.Throws<ArgumentException>(() => new ImageSplit(new byte[8], [0, 1], 0, 2, 2));
    }

    [Theory]
    [InlineData("cifar10")]
    [InlineData("CIFAR100")]
    [InlineData("fashion-mnist")]
    [InlineData("imagenet64")]
    public void CatalogWritesWhereItReads(string name)
    {
        using var tmp = new TempFolder();
        var info = DataCatalog.Info(name);
        var data = info.Name switch
        {
            "cifar10" => Cifar10Set(),
            "cifar100" => Cifar100Set(),
            "fashion-mnist" => FashionSet(),
            _ => ImageNetSet(),
        };
        DataCatalog.Write(data, tmp.Path);
        var read = DataCatalog.Load(name, tmp.Path);
        Assert.Equal(info.Name, read.Name);
        Assert.Equal((info.Channels, info.Side, info.Side), (read.Train.Channels, read.Train.Height, read.Train.Width));
        Assert.Equal(info.NumClasses, read.NumClasses);
        Assert.Equal(info.Channels, info.Stats.Channels);
        AssertSameSplit(data.Train, read.Train);
        AssertSameSplit(data.Test, read.Test);
    }

    [Fact]
    public void StandardOptionsAugmentForTrainingOnly()
    {
        var info = DataCatalog.Info(Cifar100.Name);
        var train = info.TrainOptions(batchSize: 128, seed: 3);
        Assert.Equal((128, true, 4, true, true, 3), (train.BatchSize, train.Shuffle, train.CropPadding, train.Flip, train.DropLast, train.Seed));
        var test = info.TestOptions(batchSize: 256);
        Assert.Equal((256, false, false, false), (test.BatchSize, test.Shuffle, test.Augments, test.DropLast));
    }

    [Fact]
    public void UnknownNamesAndMissingFoldersAreClearErrors()
    {
        var unknown = Assert.Throws<ArgumentException>(() => DataCatalog.Info("mnist"));
        Assert.Contains("cifar10", unknown.Message);
        var missing = Assert.Throws<DatasetNotFoundException>(() => DataCatalog.Load("cifar100", "/nonexistent/distill"));
        Assert.Contains("data-prep fetch cifar100", missing.Message);
    }
}
