using Distill.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Models;

/// <summary>
/// Building blocks shared by the model families. Every operation that costs compute is its own module
/// (conv, batch norm, ReLU, residual add), so <see cref="Reporting.ModelSummary"/> sees it run through a forward hook.
/// </summary>
public static class Layers
{
    /// <summary>k x k convolution, padding k/2; no bias unless asked (a batch norm follows and has its own shift).</summary>
    public static Conv2d Conv(long cin, long cout, long kernel, long stride = 1, long groups = 1, bool bias = false) =>
        nn.Conv2d(cin, cout, kernel, stride: stride, padding: kernel / 2, groups: groups, bias: bias);

    /// <summary>Conv, batch norm, ReLU: the unit every CNN of the zoo is made of.</summary>
    public static ScopedSequential ConvBnRelu(long cin, long cout, long kernel, long stride = 1, long groups = 1, bool bias = false) =>
        new(("conv", Conv(cin, cout, kernel, stride, groups, bias)), ("bn", new HeldBatchNorm2d(cout)), ("relu", nn.ReLU(inplace: true)));

    /// <summary>Scales a channel count by a width multiplier; at least one channel.</summary>
    public static int Scale(int channels, double width) => Math.Max(1, (int)Math.Round(channels * width));

    /// <summary>He (fan-out) initialisation for convs, unit/zero batch norm, the usual for all ResNets, VGG and MobileNet.</summary>
    public static void InitWeights(nn.Module model)
    {
        using var _ = no_grad();
        foreach (var (_, m) in model.named_modules())
        {
            switch (m)
            {
                case Conv2d conv:
                    nn.init.kaiming_normal_(conv.weight, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
                    break;
                case BatchNorm bn:
                    nn.init.ones_(bn.weight);
                    nn.init.zeros_(bn.bias);
                    break;
            }
        }
    }
}

/// <summary>
/// y = a + b, as a module so that the summary counts the element-wise add of a residual connection.
/// </summary>
public sealed class ResidualAdd : nn.Module<Tensor, Tensor, Tensor>
{
    public ResidualAdd() : base(nameof(ResidualAdd)) { }

    public override Tensor forward(Tensor a, Tensor b) => a.Plus(b);
}

/// <summary>
/// Global average pooling to a [N, C] vector: the "pre_logits" feature every classifier of the zoo exposes.
/// </summary>
public sealed class GlobalAvgPool : nn.Module<Tensor, Tensor>
{
    public GlobalAvgPool() : base(nameof(GlobalAvgPool)) { }

    public override Tensor forward(Tensor x) => x.mean([2L, 3L]);
}
