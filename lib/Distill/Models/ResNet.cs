using TorchSharp;
using static TorchSharp.torch;
using static Distill.Models.Layers;

namespace Distill.Models;

/// <summary>
/// ResNet for ImageNet-size inputs (He et al. 2016, Table 1): 7x7/2 stem + 3x3/2 max pool, four stages with 64/128/256/512
/// base channels (basic blocks for 18/34, bottlenecks for 50/101/152, stride on the 3x3 as in torchvision), option-B
/// projection shortcuts, global average pool, one linear layer. Input channels and classifier size are free: the CoViAR
/// streams (Wu et al. 2018) use ResNet-152 on I-frames (3 channels) and ResNet-18 on motion vectors (2 channels) and
/// residuals (3 channels). Stage taps: layer1..layer4.
/// At 1000 classes and 3 channels the parameter counts equal torchvision's: 11,689,512 / 21,797,672 / 25,557,032 /
/// 44,549,160 / 60,192,808.
/// </summary>
public sealed class ResNet : StagedClassifier
{
    /// <summary>Depth -> (bottleneck?, blocks per stage).</summary>
    public static readonly IReadOnlyDictionary<int, (bool Bottleneck, int[] Blocks)> Configs = new Dictionary<int, (bool, int[])>
    {
        [18] = (false, [2, 2, 2, 2]),
        [34] = (false, [3, 4, 6, 3]),
        [50] = (true, [3, 4, 6, 3]),
        [101] = (true, [3, 4, 23, 3]),
        [152] = (true, [3, 8, 36, 3]),
    };

    public ResNet(ModelSpec spec, int depth)
        : base($"resnet{depth}", Validate(spec), Stem(spec), Stages(spec, depth), neck: null,
            nn.Linear(Scale(512, spec.Width) * Expansion(depth), spec.NumClasses))
    {
        Depth = depth;
    }

    public int Depth { get; }

    static int Expansion(int depth) => Config(depth).Bottleneck ? Bottleneck.Expansion : BasicBlock.Expansion;

    static (bool Bottleneck, int[] Blocks) Config(int depth) =>
        Configs.TryGetValue(depth, out var c)
            ? c
            : throw new ArgumentException($"ImageNet ResNet depth must be one of {string.Join(", ", Configs.Keys)}, got {depth}.");

    static nn.Module<Tensor, Tensor> Stem(ModelSpec spec) => new ScopedSequential(
        ("conv", Conv(spec.InChannels, Scale(64, spec.Width), 7, stride: 2)),
        ("bn", new HeldBatchNorm2d(Scale(64, spec.Width))),
        ("relu", nn.ReLU(inplace: true)),
        ("pool", nn.MaxPool2d(3, stride: 2, padding: 1)));

    static List<(string, nn.Module<Tensor, Tensor>)> Stages(ModelSpec spec, int depth)
    {
        var (bottleneck, counts) = Config(depth);
        var stages = new List<(string, nn.Module<Tensor, Tensor>)>();
        long cin = Scale(64, spec.Width);
        for (int s = 0; s < 4; s++)
        {
            long planes = Scale(64 << s, spec.Width);
            var blocks = new List<nn.Module<Tensor, Tensor>>();
            for (int b = 0; b < counts[s]; b++)
            {
                long stride = b == 0 && s > 0 ? 2 : 1;
                if (bottleneck)
                {
                    blocks.Add(new Bottleneck(cin, planes, stride));
                    cin = planes * Bottleneck.Expansion;
                }
                else
                {
                    blocks.Add(new BasicBlock(cin, planes, stride, Shortcut.B));
                    cin = planes;
                }
            }
            stages.Add(($"layer{s + 1}", Chain(blocks)));
        }
        return stages;
    }

    /// <summary>Registers resnet18, resnet34, resnet50, resnet101, resnet152.</summary>
    public static void Register()
    {
        foreach (var depth in Configs.Keys)
            ModelZoo.Register($"resnet{depth}", spec => new ResNet(spec, depth));
    }
}
