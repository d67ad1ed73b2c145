using TorchSharp;
using static TorchSharp.torch;
using static Distill.Models.Layers;

namespace Distill.Models;

/// <summary>
/// MobileNet v1 (Howard et al. 2017, Table 1): a 3x3/2 conv with 32 channels, depthwise-separable blocks
/// (3x3 depthwise conv-BN-ReLU, 1x1 pointwise conv-BN-ReLU), global average pool, one linear layer; built for
/// ImageNet 64x64 in the cross-layer KD paper (Chou et al. 2021). The name counts weight layers with each
/// depthwise-separable block as one, stem and classifier included:
/// MobileNet-16 is v1 with all 13 blocks (15 weight layers + the average pool row of Howard et al.'s Table 1).
/// MobileNet-9 keeps the stem, the five blocks that change width or resolution (64, 128/2, 256/2, 512/2, 1024/2),
/// the first 128-wide block and the last 1024-wide block (7 blocks); it drops the second 256-wide block and all five
/// 512-wide repeats. Both have five stages (one per resolution) so the cross-layer pairs line up.
/// Measured at 64x64, 1000 classes: MobileNet-16 4,231,976 params / 47.4 M MACs, MobileNet-9 2,819,112 / 21.7 M
/// (1.50x params, 2.18x MACs; the paper states 1.59x and 2.05x, see Models/README.md).
/// </summary>
public sealed class MobileNet : StagedClassifier
{
    /// <summary>MobileNet v1's 13 depthwise-separable blocks: (output channels, stride).</summary>
    public static readonly (int Channels, int Stride)[] V1Blocks =
    [
        (64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2),
        (512, 1), (512, 1), (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1),
    ];

    /// <summary>Name depth -> indices into <see cref="V1Blocks"/> that the variant keeps.</summary>
    public static readonly IReadOnlyDictionary<int, int[]> Variants = new Dictionary<int, int[]>
    {
        [16] = Enumerable.Range(0, V1Blocks.Length).ToArray(),
        [9] = [0, 1, 2, 3, 5, 11, 12],
    };

    public MobileNet(ModelSpec spec, int depth)
        : base($"mobilenet{depth}", spec, ConvBnRelu(spec.InChannels, Scale(32, spec.Width), 3, stride: 2),
            Stages(spec, depth), neck: null, nn.Linear(Scale(1024, spec.Width), spec.NumClasses))
    {
        Depth = depth;
    }

    public int Depth { get; }

    /// <summary>3x3 depthwise conv-BN-ReLU then 1x1 pointwise conv-BN-ReLU.</summary>
    public static nn.Module<Tensor, Tensor> DepthwiseSeparable(long cin, long cout, long stride) => nn.Sequential(
        ("dw", ConvBnRelu(cin, cin, 3, stride, groups: cin)),
        ("pw", ConvBnRelu(cin, cout, 1)));

    static List<(string, nn.Module<Tensor, Tensor>)> Stages(ModelSpec spec, int depth)
    {
        if (!Variants.TryGetValue(depth, out var kept))
            throw new ArgumentException($"MobileNet depth must be one of {string.Join(", ", Variants.Keys)}, got {depth}.");
        var stages = new List<(string, nn.Module<Tensor, Tensor>)>();
        var current = new List<nn.Module<Tensor, Tensor>>();
        long cin = Scale(32, spec.Width);
        foreach (var i in kept)
        {
            var (channels, stride) = V1Blocks[i];
            if (stride == 2 && current.Count > 0)
            {
                stages.Add(($"stage{stages.Count + 1}", Chain(current)));
                current = [];
            }
            long cout = Scale(channels, spec.Width);
            current.Add(DepthwiseSeparable(cin, cout, stride));
            cin = cout;
        }
        stages.Add(($"stage{stages.Count + 1}", Chain(current)));
        return stages;
    }

    /// <summary>Registers mobilenet16 and mobilenet9.</summary>
    public static void Register()
    {
        foreach (var depth in Variants.Keys)
            ModelZoo.Register($"mobilenet{depth}", spec => new MobileNet(spec, depth));
    }
}
