using TorchSharp;
using static TorchSharp.torch;
using static Distill.Models.Layers;

namespace Distill.Models;

/// <summary>
/// VGG with batch norm for 32x32 (and 28x28) inputs (Simonyan and Zisserman 2015, configurations A/B/D/E), CIFAR style:
/// five stages of 3x3 conv-BN-ReLU separated by 2x2 max pools (ceil mode, so 28x28 inputs reach 1x1 too), global average
/// pool, then the classifier. Convs keep their bias, as in torchvision's vgg*_bn. The number in the name counts weight layers, as in the VGG paper: VGG-11/13/16/19 and
/// VGG-8 end in the three-layer classifier 512-512-classes (ReLU, dropout 0.5) of the CIFAR VGGs; VGG-6 ends in one
/// linear layer. The shallow VGG-8 and VGG-6 of the cross-layer KD paper (Chou et al. 2021) keep VGG-11's five stages
/// with one conv each (64, 128, 256, 512, 512), so each student stage has a teacher stage of equal resolution for the
/// FSP and cross-layer pairs. Stage taps: each stage's output before its pool.
/// Measured on CIFAR-100: VGG-11 9,802,596 params / 153.3 M MACs, VGG-6 3,965,028 / 67.9 M (2.47x params, 2.26x MACs;
/// the paper states 2.08x and 3.50x, see Models/README.md).
/// </summary>
public sealed class Vgg : StagedClassifier
{
    /// <summary>Name -> (convs per stage, 64-128-256-512-512 wide; three-layer classifier?).</summary>
    public static readonly IReadOnlyDictionary<int, (int[] Convs, bool ThreeLayerClassifier)> Configs = new Dictionary<int, (int[], bool)>
    {
        [6] = ([1, 1, 1, 1, 1], false),
        [8] = ([1, 1, 1, 1, 1], true),
        [11] = ([1, 1, 2, 2, 2], true),
        [13] = ([2, 2, 2, 2, 2], true),
        [16] = ([2, 2, 3, 3, 3], true),
        [19] = ([2, 2, 4, 4, 4], true),
    };

    static readonly int[] StageWidths = [64, 128, 256, 512, 512];

    public Vgg(ModelSpec spec, int depth)
        : base($"vgg{depth}", spec, stem: null, Stages(spec, depth), Pool(), Classifier(spec, depth))
    {
        Depth = depth;
    }

    public int Depth { get; }

    static (int[] Convs, bool ThreeLayerClassifier) Config(int depth) =>
        Configs.TryGetValue(depth, out var c)
            ? c
            : throw new ArgumentException($"VGG depth must be one of {string.Join(", ", Configs.Keys)}, got {depth}.");

    static nn.Module<Tensor, Tensor> Pool() => nn.MaxPool2d(2, stride: 2, ceil_mode: true);

    static List<(string, nn.Module<Tensor, Tensor>)> Stages(ModelSpec spec, int depth)
    {
        var convs = Config(depth).Convs;
        var stages = new List<(string, nn.Module<Tensor, Tensor>)>();
        long cin = spec.InChannels;
        for (int s = 0; s < StageWidths.Length; s++)
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

    static nn.Module<Tensor, Tensor> Classifier(ModelSpec spec, int depth)
    {
        long features = Scale(512, spec.Width);
        if (!Config(depth).ThreeLayerClassifier) return nn.Linear(features, spec.NumClasses);
        return nn.Sequential(
            ("drop1", nn.Dropout(0.5)), ("fc1", nn.Linear(features, features)), ("relu1", nn.ReLU()),
            ("drop2", nn.Dropout(0.5)), ("fc2", nn.Linear(features, features)), ("relu2", nn.ReLU()),
            ("fc3", nn.Linear(features, spec.NumClasses)));
    }

    /// <summary>Registers vgg6, vgg8, vgg11, vgg13, vgg16, vgg19.</summary>
    public static void Register()
    {
        foreach (var depth in Configs.Keys)
            ModelZoo.Register($"vgg{depth}", spec => new Vgg(spec, depth));
    }
}
