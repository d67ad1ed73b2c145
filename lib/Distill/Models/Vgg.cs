using TorchSharp;
using static TorchSharp.torch;
using static Distill.Models.Layers;

namespace Distill.Models;

/// <summary>
/// VGG with batch norm for 32x32 (and 28x28) inputs (Simonyan and Zisserman 2015, configurations A/B/D/E), CIFAR style:
/// stages of 3x3 conv-BN-ReLU (64, 128, 256, 512, 512 channels) separated by 2x2 max pools (ceil mode, so 28x28 inputs
/// work too). Convs keep their bias, as in torchvision's vgg*_bn. The number in the name counts weight layers, as in the
/// VGG paper. Stage taps: each stage's output (the first stage at full resolution, each later one after its pool).
/// <list type="bullet">
/// <item>VGG-11/13/16/19 and VGG-8: five stages, a final pool to 1x1, then the CIFAR VGG classifier 512-512-classes
/// (dropout 0.5, ReLU). VGG-8 has one conv per stage.</item>
/// <item>VGG-6, the student of the cross-layer KD paper (Chou et al. 2021), reproduces that paper's ratios against VGG-11
/// on CIFAR-100 (2.08x parameters, 3.50x computation): VGG-11's first three convs (64, pool, 128, pool, 256 at 8x8) and
/// VGG's original flatten classifier, narrowed to 256-256-classes. A 3.5x computation cut with only a 2.08x parameter cut
/// needs a student whose parameters sit in a flatten classifier, not in convs; the five-conv global-pool student
/// (VGG-8 without its hidden FCs) comes to 2.47x / 2.26x instead. See Models/README.md.</item>
/// </list>
/// Measured on CIFAR-100: VGG-11 9,802,596 params / 153,339,904 MACs, VGG-6 4,657,764 / 43,803,648 (2.105x, 3.501x).
/// </summary>
public sealed class Vgg : StagedClassifier
{
    /// <summary>A VGG variant: convs per stage (stage s has width 64-128-256-512-512[s]), whether the last stage is
    /// followed by a pool and global average pool (true) or flattened as it is (false), and the classifier's hidden width
    /// (two hidden layers of that width before the class layer).</summary>
    public sealed record Config(int[] Convs, bool GlobalPool, int Hidden);

    /// <summary>Depth (weight layers) -> variant.</summary>
    public static readonly IReadOnlyDictionary<int, Config> Configs = new Dictionary<int, Config>
    {
        [6] = new([1, 1, 1], GlobalPool: false, Hidden: 256),
        [8] = new([1, 1, 1, 1, 1], GlobalPool: true, Hidden: 512),
        [11] = new([1, 1, 2, 2, 2], GlobalPool: true, Hidden: 512),
        [13] = new([2, 2, 2, 2, 2], GlobalPool: true, Hidden: 512),
        [16] = new([2, 2, 3, 3, 3], GlobalPool: true, Hidden: 512),
        [19] = new([2, 2, 4, 4, 4], GlobalPool: true, Hidden: 512),
    };

    static readonly int[] StageWidths = [64, 128, 256, 512, 512];

    public Vgg(ModelSpec spec, int depth)
        : base($"vgg{depth}", Validate(spec), stem: null, Stages(spec, depth), Neck(depth), Classifier(spec, depth), Head(depth))
    {
        Depth = depth;
    }

    public int Depth { get; }

    static Config Of(int depth) =>
        Configs.TryGetValue(depth, out var c)
            ? c
            : throw new ArgumentException($"VGG depth must be one of {string.Join(", ", Configs.Keys)}, got {depth}.");

    static nn.Module<Tensor, Tensor> Pool() => nn.MaxPool2d(2, stride: 2, ceil_mode: true);

    static nn.Module<Tensor, Tensor>? Neck(int depth) => Of(depth).GlobalPool ? Pool() : null;

    static nn.Module<Tensor, Tensor>? Head(int depth) => Of(depth).GlobalPool ? null : nn.Flatten();

    static List<(string, nn.Module<Tensor, Tensor>)> Stages(ModelSpec spec, int depth)
    {
        var convs = Of(depth).Convs;
        var stages = new List<(string, nn.Module<Tensor, Tensor>)>();
        long cin = spec.InChannels;
        for (int s = 0; s < convs.Length; s++)
        {
            long cout = Scale(StageWidths[s], spec.Width);
            var layers = new List<nn.Module<Tensor, Tensor>>();
            if (s > 0) layers.Add(Pool());
            for (int c = 0; c < convs[s]; c++)
            {
                layers.Add(ConvBnRelu(cin, cout, 3, bias: true));
                cin = cout;
            }
            stages.Add(($"block{s + 1}", Chain(layers)));
        }
        return stages;
    }

    /// <summary>Features the classifier reads: the last stage's channels, times its map area when flattened.</summary>
    static long Features(ModelSpec spec, Config config)
    {
        long channels = Scale(StageWidths[config.Convs.Length - 1], spec.Width);
        if (config.GlobalPool) return channels;
        long side = spec.ImageSize;
        for (int s = 1; s < config.Convs.Length; s++) side = (side + 1) / 2;
        return channels * side * side;
    }

    static nn.Module<Tensor, Tensor> Classifier(ModelSpec spec, int depth)
    {
        var config = Of(depth);
        long features = Features(spec, config), hidden = Scale(config.Hidden, spec.Width);
        return new ScopedSequential(
            ("drop1", nn.Dropout(0.5)), ("fc1", nn.Linear(features, hidden)), ("relu1", nn.ReLU(inplace: true)),
            ("drop2", nn.Dropout(0.5)), ("fc2", nn.Linear(hidden, hidden)), ("relu2", nn.ReLU(inplace: true)),
            ("fc3", nn.Linear(hidden, spec.NumClasses)));
    }

    /// <summary>Registers vgg6, vgg8, vgg11, vgg13, vgg16, vgg19.</summary>
    public static void Register()
    {
        foreach (var depth in Configs.Keys)
            ModelZoo.Register($"vgg{depth}", spec => new Vgg(spec, depth));
    }
}
