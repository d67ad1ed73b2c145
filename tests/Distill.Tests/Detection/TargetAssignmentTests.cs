using Distill.Models.Detection;
using Distill.Runtime;
using static TorchSharp.torch;

namespace Distill.Tests.Detection;

public class TargetAssignmentTests
{
    public TargetAssignmentTests() => TorchRuntime.Initialize(seed: 6, quiet: true);

    // Two ground truths x five predictions.
    static Tensor HandIou() => tensor(new float[]
    {
        0.8f, 0.5f, 0.20f, 0.05f, 0,
        0.1f, 0.6f, 0.35f, 0.25f, 0,
    }).view(2, 5);

    const long Bg = Matcher.Background, Ign = Matcher.Ignored;

    [Fact]
    public void RpnMatcherWithLowQualityMatches()
    {
        // p1's best IoU 0.6 is below 0.7, but it is gt 1's best anchor -> matched to 1. p2 (0.35) lies between 0.3 and 0.7.
        var labels = new Matcher(0.7, 0.3, 0, allowLowQualityMatches: true).Match(HandIou());
        Assert.Equal([0L, 1, Ign, Bg, Bg], labels.data<long>().ToArray());
    }

    [Fact]
    public void RpnMatcherWithoutLowQualityMatches()
    {
        var labels = new Matcher(0.7, 0.3, 0).Match(HandIou());
        Assert.Equal([0L, Ign, Ign, Bg, Bg], labels.data<long>().ToArray());
    }

    [Fact]
    public void BoxHeadMatcherIgnoresBelowPointOne()
    {
        // Foreground >= 0.5, background [0.1, 0.5), IoU 0 ignored.
        var labels = new Matcher(0.5, 0.5, 0.1).Match(HandIou());
        Assert.Equal([0L, 1, Bg, Bg, Ign], labels.data<long>().ToArray());
    }

    [Fact]
    public void NoGroundTruthMakesEverythingBackground()
    {
        var labels = new Matcher(0.7, 0.3).Match(zeros(0, 4));
        Assert.Equal([Bg, Bg, Bg, Bg], labels.data<long>().ToArray());
    }

    static Tensor Labels(int positives, int negatives, int ignored) =>
        tensor(Enumerable.Repeat(0L, positives).Concat(Enumerable.Repeat(Bg, negatives)).Concat(Enumerable.Repeat(Ign, ignored)).ToArray());

    [Fact]
    public void SamplerCountsFollowTheBudget()
    {
        var rpn = new BalancedSampler(256, 0.5);
        var (pos, neg) = rpn.Sample(Labels(10, 300, 50), new Random(1));
        Assert.Equal(10, pos.shape[0]);
        Assert.Equal(246, neg.shape[0]);
        (pos, neg) = rpn.Sample(Labels(200, 200, 0), new Random(1));
        Assert.Equal(128, pos.shape[0]);
        Assert.Equal(128, neg.shape[0]);
        var rcn = new BalancedSampler(128, 0.25);
        (pos, neg) = rcn.Sample(Labels(100, 40, 0), new Random(1));
        Assert.Equal(32, pos.shape[0]);
        Assert.Equal(40, neg.shape[0]);
    }

    [Fact]
    public void SamplerDrawsOnlyTheRightKindWithoutRepeats()
    {
        var labels = Labels(40, 500, 100);
        var (pos, neg) = new BalancedSampler(64, 0.25).Sample(labels, new Random(3));
        var p = pos.data<long>().ToArray();
        var n = neg.data<long>().ToArray();
        Assert.All(p, i => Assert.InRange(i, 0, 39));
        Assert.All(n, i => Assert.InRange(i, 40, 539));
        Assert.Equal(p.Length, p.Distinct().Count());
        Assert.Equal(n.Length, n.Distinct().Count());
    }

    [Fact]
    public void SamplerIsSeeded()
    {
        var sampler = new BalancedSampler(64, 0.25);
        var labels = Labels(40, 500, 0);
        var a = sampler.Sample(labels, new Random(7)).Negatives.data<long>().ToArray();
        var b = sampler.Sample(labels, new Random(7)).Negatives.data<long>().ToArray();
        var c = sampler.Sample(labels, new Random(8)).Negatives.data<long>().ToArray();
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }
}
