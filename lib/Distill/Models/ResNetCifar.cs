using TorchSharp;
using static TorchSharp.torch;
using static Distill.Models.Layers;

namespace Distill.Models;

/// <summary>
/// ResNet for 32x32 (and 28x28) inputs, He et al. 2016 section 4.2: a 3x3 stem with 16 channels, three stages of n
/// basic blocks with 16/32/64 channels (strides 1, 2, 2), global average pool, one linear layer: depth 6n+2.
/// Shortcut option A (zero-pad, parameter-free, as in the paper and in the cross-layer KD paper's ResNet-32/ResNet-8)
/// is the zoo default; option B uses 1x1 projections. Stage taps: the three groups' outputs.
/// Measured on CIFAR-100, option A: ResNet-8 81,140 params / 12,245,248 MACs, ResNet-32 470,004 params / 68,868,352 MACs
/// (5.79x params, 5.62x MACs). Chou et al. 2021 state 6.11x and 5.27x; no depth-32 / depth-8 pair of this family reaches
/// 5.27x (5.51x to 5.65x for every shortcut option), so the standard option-A pair is pinned; see Models/README.md.
/// </summary>
public sealed class ResNetCifar : StagedClassifier
{
    public static readonly int[] Depths = [8, 14, 20, 32, 44, 56, 110];

    public ResNetCifar(ModelSpec spec, int depth, Shortcut shortcut = Shortcut.A)
        : base($"resnet{depth}", Validate(spec), ConvBnRelu(spec.InChannels, Scale(16, spec.Width), 3), Stages(spec, depth, shortcut),
            neck: null, nn.Linear(Scale(64, spec.Width), spec.NumClasses))
    {
        Depth = depth;
        ShortcutKind = shortcut;
    }

    public int Depth { get; }

    public Shortcut ShortcutKind { get; }

    static List<(string, nn.Module<Tensor, Tensor>)> Stages(ModelSpec spec, int depth, Shortcut shortcut)
    {
        if (depth < 8 || (depth - 2) % 6 != 0)
            throw new ArgumentException($"CIFAR ResNet depth must be 6n+2 with n >= 1 (8, 14, 20, 32, 44, 56, 110, ...), got {depth}.");
        int n = (depth - 2) / 6;
        var stages = new List<(string, nn.Module<Tensor, Tensor>)>();
        long cin = Scale(16, spec.Width);
        foreach (var (baseWidth, stride, i) in new[] { (16, 1, 1), (32, 2, 2), (64, 2, 3) })
        {
            long cout = Scale(baseWidth, spec.Width);
            var blocks = new List<nn.Module<Tensor, Tensor>>();
            for (int b = 0; b < n; b++)
            {
                blocks.Add(new BasicBlock(cin, cout, b == 0 ? stride : 1, shortcut));
                cin = cout;
            }
            stages.Add(($"layer{i}", Chain(blocks)));
        }
        return stages;
    }

    /// <summary>Registers resnet8 .. resnet110 (option A) and resnet8b .. resnet110b (option B).</summary>
    public static void Register()
    {
        foreach (var depth in Depths)
        {
            ModelZoo.Register($"resnet{depth}", spec => new ResNetCifar(spec, depth, Shortcut.A));
            ModelZoo.Register($"resnet{depth}b", spec => new ResNetCifar(spec, depth, Shortcut.B));
        }
    }
}
