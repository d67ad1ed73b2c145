using Distill.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Tests.Training;

/// <summary>
/// A small network with two tapped stages (8x8 then 4x4), so Gram-matrix terms have a layer pair to match: 3x3 conv,
/// BatchNorm, ReLU; stride-2 3x3 conv, ReLU; linear classifier. Channels 4 and 8 times the width. Registered in the
/// zoo as "two-stage-cnn" by <see cref="Register"/>.
/// </summary>
sealed class TwoStageNet : DistillModel
{
    public const string Name = "two-stage-cnn";

    readonly Conv2d conv1, conv2;
    readonly HeldBatchNorm2d bn;
    readonly Linear fc;
    readonly int classes;

    public TwoStageNet(ModelSpec spec) : base(Name)
    {
        int c1 = Math.Max(1, (int)(4 * spec.Width)), c2 = 2 * c1;
        conv1 = nn.Conv2d(spec.InChannels, c1, 3, padding: 1);
        bn = new HeldBatchNorm2d(c1);
        conv2 = nn.Conv2d(c1, c2, 3, stride: 2, padding: 1);
        fc = nn.Linear(c2 * (spec.ImageSize / 2) * (spec.ImageSize / 2), spec.NumClasses);
        classes = spec.NumClasses;
        RegisterComponents();
    }

    public static void Register() => ModelZoo.Register(Name, spec => new TwoStageNet(spec));

    public override IReadOnlyList<string> StageNames => ["stage1", "stage2"];
    public override int NumClasses => classes;

    public override Taps forward(Tensor x)
    {
        var first = nn.functional.relu(bn.call(conv1.call(x)));
        var second = nn.functional.relu(conv2.call(first));
        return new Taps(fc.call(second.flatten(1)), [first, second]);
    }
}
