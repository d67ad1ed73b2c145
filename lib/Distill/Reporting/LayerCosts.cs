using Distill.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Reporting;

/// <summary>
/// The counting rules of <see cref="ModelSummary"/>, per example (batch dimension divided out):
/// <list type="bullet">
/// <item>Conv2d: MACs = output elements x (in channels / groups) x kh x kw, read from the real output shape, so stride,
/// padding, dilation and groups are exact. FLOPs = 2 x MACs, + 1 per output element with a bias.</item>
/// <item>Linear: MACs = output elements x in features; FLOPs = 2 x MACs + bias adds.</item>
/// <item>BatchNorm2d: 2 FLOPs per element (inference scale and shift; they fold into the conv when deployed).</item>
/// <item>ReLU: 1 FLOP per element. Residual add: 1 FLOP per output element.</item>
/// <item>Max pool: kh x kw FLOPs per output element (comparisons). Global average pool: 1 FLOP per input element.</item>
/// <item>Option-A shortcut (subsample + zero pad) and dropout: 0 (data movement / identity at inference).</item>
/// </list>
/// MACs are what the compression papers call "FLOPs" or "computation" (the thop / ptflops convention: conv and FC
/// multiply-accumulates only); ratios of MACs reproduce their stated computation rates. The FLOPs column is the
/// stricter count (2 per MAC plus element-wise work).
/// </summary>
public static class LayerCosts
{
    /// <summary>(MACs, FLOPs) of one leaf module for the given input and output, per example.</summary>
    public static (long Macs, long Flops) Of(nn.Module module, IReadOnlyList<Tensor> inputs, Tensor output)
    {
        long batch = output.shape[0];
        long outPer = output.numel() / batch;
        long inPer = inputs[0].numel() / batch;
        switch (module)
        {
            case Conv2d conv:
            {
                var w = conv.weight!.shape;
                long macs = outPer * w[1] * w[2] * w[3];
                return (macs, 2 * macs + (conv.bias is null ? 0 : outPer));
            }
            case Linear linear:
            {
                long macs = outPer * linear.weight!.shape[1];
                return (macs, 2 * macs + (linear.bias is null ? 0 : outPer));
            }
            case BatchNorm:
                return (0, 2 * outPer);
            case ReLU:
            case ResidualAdd:
                return (0, outPer);
            case MaxPool2d pool:
                return (0, outPer * pool.kernel_size.Aggregate(1L, (a, k) => a * k));
            case GlobalAvgPool:
                return (0, inPer);
            case ZeroPadShortcut:
            case Dropout:
            case Identity:
            case Flatten:
                return (0, 0);
            default:
                throw new NotSupportedException(
                    $"ModelSummary has no counting rule for module type {module.GetType().Name}; add one to {nameof(LayerCosts)}.");
        }
    }
}
