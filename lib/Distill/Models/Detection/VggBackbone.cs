using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Models.Detection;

/// <summary>
/// A VGG-style detection backbone (Simonyan &amp; Zisserman 2015): stages of 3x3 conv + BatchNorm + ReLU, each stage but the
/// last ending in 2x2 max pooling, so the stride is 2^(stages - 1). <see cref="Teacher"/> and <see cref="Student"/> are
/// the wide/deep and thin/shallow pair used by the detection distillation experiments at small scale; the paper's
/// VGG-16 / ResNet-50 teachers come from the model zoo through <see cref="IDetectionBackbone"/>.
/// </summary>
public sealed class VggBackbone : nn.Module<Tensor, Tensor>, IDetectionBackbone
{
    readonly nn.Module<Tensor, Tensor> layers;

    /// <param name="widths">Output channels of each stage.</param>
    /// <param name="convsPerStage">3x3 convolutions in each stage.</param>
    public VggBackbone(string name, IReadOnlyList<int> widths, int convsPerStage, int inChannels = 3) : base(name)
    {
        if (widths.Count == 0 || convsPerStage < 1) throw new ArgumentException("A VGG backbone needs at least one stage of at least one conv.");
        var modules = new List<(string, nn.Module<Tensor, Tensor>)>();
        int channels = inChannels;
        for (int s = 0; s < widths.Count; s++)
        {
            for (int c = 0; c < convsPerStage; c++)
            {
                modules.Add(($"conv{s + 1}_{c + 1}", nn.Conv2d(channels, widths[s], 3, padding: 1, bias: false)));
                modules.Add(($"bn{s + 1}_{c + 1}", new HeldBatchNorm2d(widths[s])));
                modules.Add(($"relu{s + 1}_{c + 1}", nn.ReLU(inplace: true)));
                channels = widths[s];
            }
            if (s < widths.Count - 1) modules.Add(($"pool{s + 1}", nn.MaxPool2d(2, 2, ceil_mode: true)));
        }
        layers = new ScopedSequential(modules.ToArray());
        OutChannels = channels;
        Stride = 1 << (widths.Count - 1);
        RegisterComponents();
    }

    /// <summary>Teacher-style backbone: 5 stages (stride 16), two convs each, widths 32-64-96-128-128.</summary>
    public static VggBackbone Teacher() => new("vgg_teacher", [32, 64, 96, 128, 128], 2);

    /// <summary>Student backbone: 5 stages (stride 16), one conv each, widths 8-16-24-32-32 (about 20x fewer parameters).</summary>
    public static VggBackbone Student() => new("vgg_student", [8, 16, 24, 32, 32], 1);

    public nn.Module<Tensor, Tensor> Module => this;
    public int OutChannels { get; }
    public int Stride { get; }

    public override Tensor forward(Tensor images) => layers.call(images);
}
