using Distill.Models;
using Distill.Reporting;
using Distill.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Tests.Reporting;

/// <summary>Per-layer counting rules against the closed forms, and whole-model totals against hand sums.</summary>
public class LayerCostTests
{
    public LayerCostTests() => TorchRuntime.Initialize(seed: 3, quiet: true);

    static (long Macs, long Flops) Cost(nn.Module<Tensor, Tensor> module, params long[] input)
    {
        var x = randn(input);
        return LayerCosts.Of(module, [x], module.call(x));
    }

    [Fact]
    public void StridedPaddedConvWithBias()
    {
        // 17x17, k3, stride 2, pad 1 -> floor((17 + 2 - 3) / 2) + 1 = 9; MACs = Cout * Hout * Wout * Cin * k * k
        using var conv = nn.Conv2d(3, 8, 3, stride: 2, padding: 1, bias: true);
        var (macs, flops) = Cost(conv, 2, 3, 17, 17);
        Assert.Equal(8L * 9 * 9 * 3 * 3 * 3, macs);
        Assert.Equal(2 * macs + 8 * 9 * 9, flops);
    }

    [Fact]
    public void GroupedConvWithoutPaddingOrBias()
    {
        // 10x10, k3, no pad -> 8x8; each output reads Cin / groups = 2 channels
        using var conv = nn.Conv2d(8, 16, 3, groups: 4, bias: false);
        var (macs, flops) = Cost(conv, 1, 8, 10, 10);
        Assert.Equal(16L * 8 * 8 * 2 * 9, macs);
        Assert.Equal(2 * macs, flops);
    }

    [Fact]
    public void DepthwiseConv()
    {
        using var conv = Layers.Conv(32, 32, 3, stride: 2, groups: 32);
        var (macs, _) = Cost(conv, 1, 32, 16, 16);
        Assert.Equal(32L * 8 * 8 * 9, macs);
    }

    [Fact]
    public void LinearLayer()
    {
        using var fc = nn.Linear(20, 7);
        var (macs, flops) = Cost(fc, 3, 20);
        Assert.Equal(140, macs);
        Assert.Equal(2 * 140 + 7, flops);
    }

    [Fact]
    public void ElementWiseRules()
    {
        using var bn = nn.BatchNorm2d(4);
        using var relu = nn.ReLU();
        using var pool = nn.MaxPool2d(3, stride: 2, padding: 1);
        bn.eval();
        Assert.Equal((0L, 2L * 4 * 6 * 6), Cost(bn, 1, 4, 6, 6));
        Assert.Equal((0L, 4L * 6 * 6), Cost(relu, 1, 4, 6, 6));
        Assert.Equal((0L, 9L * 4 * 3 * 3), Cost(pool, 1, 4, 6, 6));
        using var gap = new GlobalAvgPool();
        Assert.Equal((0L, 4L * 6 * 6), Cost(gap, 1, 4, 6, 6));
        using var add = new ResidualAdd();
        var a = ones(1, 4, 6, 6);
        Assert.Equal((0L, 4L * 6 * 6), LayerCosts.Of(add, [a, a], add.call(a, a)));
    }

    [Fact]
    public void ResNet8TotalsMatchTheSumOfItsLayersByHand()
    {
        var s = ModelSummary.Of(new ModelSpec("resnet8", 100));
        long macs = 3 * 16 * 9 * 32 * 32          // stem
            + 2 * (16 * 16 * 9 * 32 * 32)           // layer1
            + 16 * 32 * 9 * 16 * 16 + 32 * 32 * 9 * 16 * 16
            + 32 * 64 * 9 * 8 * 8 + 64 * 64 * 9 * 8 * 8
            + 64 * 100;                              // classifier
        Assert.Equal(12_245_248, macs);
        Assert.Equal(macs, s.Macs);
        // FLOPs: 2 per MAC + the classifier's bias; batch norm (2 per element) after each of the 7 convs; ReLU (1 per
        // element) after the stem, after each block's first conv and after each block's residual add (1 per element);
        // global average pool reads 64x8x8. Option-A shortcuts are free.
        long convOut = 16 * 32 * 32 * 3 + 32 * 16 * 16 * 2 + 64 * 8 * 8 * 2;
        long blockOut = 16 * 32 * 32 + 32 * 16 * 16 + 64 * 8 * 8;
        long stemOut = 16 * 32 * 32;
        long flops = 2 * macs + 100 + 2 * convOut + (stemOut + blockOut + blockOut) + blockOut + 64 * 8 * 8;
        Assert.Equal(flops, s.Flops);
        Assert.Equal(81_140, s.Params);
        Assert.Equal(s.Params, s.Layers.Sum(l => l.Params));
        Assert.Equal(81_140 * 4.0 / (1 << 20), s.SizeMB, 12);
    }

    [Fact]
    public void BadInputShapeIsRejected()
    {
        using var model = ModelZoo.Create(new ModelSpec("resnet8", 10));
        var e = Assert.Throws<ArgumentException>(() => ModelSummary.Of(model, "resnet8", [3, 32]));
        Assert.Contains("[C, H, W]", e.Message);
    }
}
