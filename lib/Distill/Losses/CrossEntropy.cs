using Distill.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Losses;

/// <summary>
/// Cross-entropy of the student's logits against the hard labels: the supervised term of every KD objective
/// (the (1 - alpha) * CE part of Hinton et al. 2015). Optional label smoothing (parameter "label_smoothing").
/// </summary>
public sealed class CrossEntropy : LossTerm
{
    public const string Name = "ce";

    readonly double labelSmoothing;

    public CrossEntropy(double labelSmoothing = 0.0) : base(nameof(CrossEntropy))
    {
        if (labelSmoothing is < 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "label smoothing must be in [0, 1)");
        this.labelSmoothing = labelSmoothing;
    }

    public override string Key => Name;

    public override Tensor Compute(Taps student, IReadOnlyList<Taps> teachers, Tensor labels) =>
        nn.functional.cross_entropy(student.Logits, labels, label_smoothing: labelSmoothing);

    internal static void RegisterIn() => LossRegistry.Register(Name, spec =>
    {
        LossRegistry.CheckParameters(spec, "label_smoothing");
        return new CrossEntropy(spec.Get("label_smoothing", 0.0));
    });
}
