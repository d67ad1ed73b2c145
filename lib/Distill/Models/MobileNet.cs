using TorchSharp;
using static TorchSharp.torch;
using static Distill.Models.Layers;

namespace Distill.Models;

/// <summary>
/// MobileNet v1 (Howard et al. 2017, Table 1): a 3x3 conv with 32 channels, depthwise-separable blocks (3x3 depthwise
/// conv-BN-ReLU, 1x1 pointwise conv-BN-ReLU), global average pool, one linear layer. Stages: one per resolution.
/// <list type="bullet">
/// <item>"mobilenetv1": the standard network, stride-2 stem and all 13 blocks (Table 1).</item>
/// <item>"mobilenet16" and "mobilenet9": the teacher and student of the cross-layer KD paper (Chou et al. 2021) on
/// ImageNet 64x64, defined so that they reproduce its ratios (1.59x parameters, 2.05x computation). Both use a stride-1
/// stem (a 64x64 input then reaches a 4x4 final map after the four stride-2 blocks, as 224x224 reaches 7x7 in v1).
/// MobileNet-16 keeps v1's first 12 blocks (v1 without its last 1024-to-1024 block); MobileNet-9 keeps blocks 1-4, 6, 7
/// and 12 (64, 128/2, 128, 256/2, 512/2, 512, 1024/2): every width and every stride-2 block of v1, with one stride-1 repeat
/// at 128 and at 512 channels. No subset of the full 13-block v1 meets both ratios within 3% (the closest is 4.8% off),
/// hence the 12-block teacher; see Models/README.md.</item>
/// </list>
/// Measured at 64x64, 1000 classes: MobileNet-16 3,170,088 params / 169,476,096 MACs, MobileNet-9 2,026,024 / 83,820,544
/// (1.565x params, 2.022x MACs).
/// </summary>
public sealed class MobileNet : StagedClassifier
{
    /// <summary>MobileNet v1's 13 depthwise-separable blocks: (output channels, stride).</summary>
    public static readonly (int Channels, int Stride)[] V1Blocks =
    [
        (64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2),
        (512, 1), (512, 1), (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1),
    ];

    /// <summary>A variant: the stem's stride and the indices into <see cref="V1Blocks"/> it keeps.</summary>
    public sealed record Variant(int StemStride, int[] Blocks);

    /// <summary>Zoo name -> variant.</summary>
    public static readonly IReadOnlyDictionary<string, Variant> Variants = new Dictionary<string, Variant>
    {
        ["mobilenetv1"] = new(2, Enumerable.Range(0, V1Blocks.Length).ToArray()),
        ["mobilenet16"] = new(1, Enumerable.Range(0, 12).ToArray()),
        ["mobilenet9"] = new(1, [0, 1, 2, 3, 5, 6, 11]),
    };

    public MobileNet(ModelSpec spec, string variant)
        : base(variant, Validate(spec), ConvBnRelu(spec.InChannels, Scale(32, spec.Width), 3, stride: Of(variant).StemStride),
            Stages(spec, Of(variant)), neck: null, nn.Linear(Scale(V1Blocks[Of(variant).Blocks[^1]].Channels, spec.Width), spec.NumClasses))
    {
    }

    static Variant Of(string name) =>
        Variants.TryGetValue(name, out var v)
            ? v
            : throw new ArgumentException($"MobileNet variant must be one of {string.Join(", ", Variants.Keys)}, got '{name}'.");

    /// <summary>3x3 depthwise conv-BN-ReLU then 1x1 pointwise conv-BN-ReLU.</summary>
    public static nn.Module<Tensor, Tensor> DepthwiseSeparable(long cin, long cout, long stride) => new ScopedSequential(
        ("dw", ConvBnRelu(cin, cin, 3, stride, groups: cin)),
        ("pw", ConvBnRelu(cin, cout, 1)));

    static List<(string, nn.Module<Tensor, Tensor>)> Stages(ModelSpec spec, Variant variant)
    {
        var stages = new List<(string, nn.Module<Tensor, Tensor>)>();
        var current = new List<nn.Module<Tensor, Tensor>>();
        long cin = Scale(32, spec.Width);
        foreach (var i in variant.Blocks)
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

    /// <summary>Registers mobilenetv1, mobilenet16 and mobilenet9.</summary>
    public static void Register()
    {
        foreach (var name in Variants.Keys)
            ModelZoo.Register(name, spec => new MobileNet(spec, name));
    }
}
