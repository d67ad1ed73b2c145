using Distill.Data;

namespace Distill.Tests.Data;

/// <summary>The generated stand-in data sets behind `data-prep make`: seeded, balanced, shaped like the real ones, learnable.</summary>
public class SyntheticImagesTests
{
    [Theory]
    [InlineData("cifar10", 3, 32, 10)]
    [InlineData("cifar100", 3, 32, 100)]
    [InlineData("fashion-mnist", 1, 28, 10)]
    [InlineData("imagenet64", 3, 64, 1000)]
    public void ShapedAndBalancedLikeTheRealSet(string name, int channels, int side, int classes)
    {
        var data = SyntheticImages.Generate(name, 2 * classes, classes + 3, seed: 1);
        Assert.Equal(name, data.Name);
        Assert.Equal(classes, data.NumClasses);
        Assert.Equal((channels, side, side), (data.Train.Channels, data.Train.Height, data.Train.Width));
        Assert.All(data.Train.ClassCounts(classes), n => Assert.Equal(2, n));
        Assert.Equal(classes + 3, data.Test.Count);
        Assert.Equal(name == Cifar100.Name, data.CoarseClassNames is not null);
    }

    [Fact]
    public void Cifar100CoarseLabelsGroupFiveFineClasses()
    {
        var data = SyntheticImages.Generate(Cifar100.Name, 200, 50, seed: 2);
        Assert.Equal(20, data.CoarseClassNames!.Count);
        Assert.Equal(data.Train.Labels.Select(l => l / 5), data.Train.CoarseLabels!);
        Assert.Equal(data.Test.Labels.Select(l => l / 5), data.Test.CoarseLabels!);
    }

    [Fact]
    public void DeterministicInTheSeed()
    {
        var a = SyntheticImages.Generate(Cifar10.Name, 50, 10, seed: 4);
        var b = SyntheticImages.Generate(Cifar10.Name, 50, 10, seed: 4);
        var c = SyntheticImages.Generate(Cifar10.Name, 50, 10, seed: 5);
        DataFixtures.AssertSameSplit(a.Train, b.Train);
        DataFixtures.AssertSameSplit(a.Test, b.Test);
        Assert.False(a.Train.Image(0).SequenceEqual(c.Train.Image(0)) && a.Train.Labels.SequenceEqual(c.Train.Labels));
        // Train and test images are different draws.
        Assert.False(a.Train.Image(0).SequenceEqual(a.Test.Image(0)));
    }

    /// <summary>Labels really describe the content: class-mean images of the train split classify the test split.</summary>
    [Fact]
    public void NearestClassMeanClassifiesTheTestSplit()
    {
        var data = SyntheticImages.Generate(Cifar10.Name, 500, 200, seed: 6);
        int size = data.Train.ImageBytes;
        var means = new double[10, size];
        var counts = data.Train.ClassCounts(10);
        for (int i = 0; i < data.Train.Count; i++)
        {
            var image = data.Train.Image(i);
            for (int j = 0; j < size; j++) means[data.Train.Labels[i], j] += image[j] / (double)counts[data.Train.Labels[i]];
        }
        int correct = 0;
        for (int i = 0; i < data.Test.Count; i++)
        {
            var image = data.Test.Image(i).ToArray();
            int best = Enumerable.Range(0, 10).MinBy(k =>
            {
                double d = 0;
                for (int j = 0; j < size; j++) d += (image[j] - means[k, j]) * (image[j] - means[k, j]);
                return d;
            });
            if (best == data.Test.Labels[i]) correct++;
        }
        Assert.True(correct >= 190, $"nearest class mean got {correct} of 200 right");
    }

    [Fact]
    public void RejectsANegativeCount() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticImages.Generate(Cifar10.Name, -1, 10, seed: 0));
}
