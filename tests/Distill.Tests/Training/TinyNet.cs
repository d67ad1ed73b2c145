using Distill.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Tests.Training;

/// <summary>
/// A small network for training tests: 3x3 conv, BatchNorm (so eval mode matters), ReLU, linear classifier.
/// Registered in the zoo as "tiny-cnn" by <see cref="Fixtures.Register"/>.
/// </summary>
sealed class TinyNet : DistillModel
{
    readonly Conv2d conv;
    readonly HeldBatchNorm2d bn;
    readonly Linear fc;
    readonly int classes;

    public TinyNet(ModelSpec spec) : base("tiny-cnn")
    {
        int width = Math.Max(1, (int)(4 * spec.Width));
        conv = nn.Conv2d(spec.InChannels, width, 3, padding: 1);
        bn = new HeldBatchNorm2d(width);
        fc = nn.Linear(width * spec.ImageSize * spec.ImageSize, spec.NumClasses);
        classes = spec.NumClasses;
        RegisterComponents();
    }

    public override IReadOnlyList<string> StageNames => ["conv"];
    public override int NumClasses => classes;

    public override Taps forward(Tensor x)
    {
        var stage = nn.functional.relu(bn.call(conv.call(x)));
        return new Taps(fc.call(stage.flatten(1)), [stage]);
    }
}
