using Distill.Losses;
using Distill.Models;
using Distill.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Tests.Losses;

public class ChannelAdaptationTests
{
    public ChannelAdaptationTests() => TorchRuntime.Initialize(seed: 13, quiet: true);

    [Fact]
    public void OneByOneConvsMapStudentChannelsToTeacherChannelsOnlyWhereTheyDiffer()
    {
        var adaptation = new ChannelAdaptation([16, 32, 64], [16, 64, 128]);
        Assert.False(adaptation.IsAdapted(0));
        Assert.True(adaptation.IsAdapted(1));
        Assert.True(adaptation.IsAdapted(2));

        var stage0 = randn(2, 16, 8, 8);
        Assert.Same(stage0, adaptation.Adapt(0, stage0));
        Assert.Equal(new long[] { 2, 64, 8, 8 }, adaptation.Adapt(1, randn(2, 32, 8, 8)).shape);
        Assert.Equal(new long[] { 3, 128, 5, 7 }, adaptation.Adapt(2, randn(3, 64, 5, 7)).shape);

        var weights = adaptation.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
        Assert.Equal(2, weights.Count);   // 1x1, no bias
        Assert.Equal(new long[] { 64, 32, 1, 1 }, weights["stage1.weight"]);
        Assert.Equal(new long[] { 128, 64, 1, 1 }, weights["stage2.weight"]);
    }

    [Fact]
    public void AdaptationWeightsAreParametersOfTheLossTermAndReceiveGradients()
    {
        var fsp = new Fsp([4, 8], [6, 8]);
        var names = fsp.named_parameters().Select(p => p.name).ToArray();
        Assert.Equal(["adaptation.stage0.weight"], names);

        var student = new Taps(zeros(2, 10), [randn(2, 4, 4, 4), randn(2, 8, 2, 2)]);
        var teacher = new Taps(zeros(2, 10), [randn(2, 6, 4, 4), randn(2, 8, 2, 2)]);
        fsp.Compute(student, [teacher], zeros(2, dtype: ScalarType.Int64)).backward();
        var grad = fsp.parameters().Single().grad;
        Assert.NotNull(grad);
        Assert.Equal(new long[] { 6, 4, 1, 1 }, grad!.shape);
        Assert.True(grad.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void AnOptimiserOverTheTermsParametersLowersTheLoss()
    {
        // Student stage 0 has 4 channels, teacher 6: with the student features fixed, only the 1x1 conv can learn.
        var fsp = new Fsp([4, 8], [6, 8]);
        var student = new Taps(zeros(8, 10), [randn(8, 4, 4, 4), randn(8, 8, 2, 2)]);
        var teacher = new Taps(zeros(8, 10), [randn(8, 6, 4, 4), randn(8, 8, 2, 2)]);
        var labels = zeros(8, dtype: ScalarType.Int64);
        var optimizer = optim.SGD(fsp.parameters(), learningRate: 0.05);
        double first = fsp.Compute(student, [teacher], labels).item<float>();
        for (int step = 0; step < 20; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            fsp.Compute(student, [teacher], labels).backward();
            optimizer.step();
        }
        double last = fsp.Compute(student, [teacher], labels).item<float>();
        Assert.True(last < first, $"loss went from {first} to {last}");
    }

    [Fact]
    public void ChannelsOfReadsTheStageTapsChannelCounts()
    {
        var taps = new Taps(zeros(2, 10), [zeros(2, 16, 8, 8), zeros(2, 32, 4, 4), zeros(2, 64, 2, 2)]);
        Assert.Equal([16, 32, 64], ChannelAdaptation.ChannelsOf(taps));
        var flat = new Taps(zeros(2, 10), [zeros(2, 16, 8, 8), zeros(2, 32)]);
        Assert.Contains("Stage 1 tap is [2, 32]", Assert.Throws<ArgumentException>(() => ChannelAdaptation.ChannelsOf(flat)).Message);
    }

    [Fact]
    public void RejectsMismatchedStageCountsAndWrongInputs()
    {
        Assert.Contains("student has 2 stages, teacher 3",
            Assert.Throws<ArgumentException>(() => new ChannelAdaptation([1, 2], [1, 2, 3])).Message);
        Assert.Contains("stage 1 has channel counts student 0, teacher 2",
            Assert.Throws<ArgumentException>(() => new ChannelAdaptation([1, 0], [1, 2])).Message);
        var adaptation = new ChannelAdaptation([3], [5]);
        Assert.Contains("student stage 0 is [2, 4, 3, 3]; built for [N, 3, h, w]",
            Assert.Throws<ArgumentException>(() => adaptation.Adapt(0, zeros(2, 4, 3, 3))).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => adaptation.Adapt(1, zeros(2, 3, 3, 3)));
    }
}
