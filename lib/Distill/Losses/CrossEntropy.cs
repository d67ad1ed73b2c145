using Distill.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Losses;

/// <summary>
/// Cross-entropy of the student's logits against the hard labels: the supervised term of every KD objective
/// (the (1 - alpha) * CE part of Hinton et al. 2015). Optional label smoothing.
/// </summary>
public sealed class CrossEntropy : LossTerm
{
    public const string Name = "ce";

    /// <summary>Config parameters of "ce".</summary>
    public sealed record Parameters
    {
        /// <summary>Label smoothing epsilon in [0, 1) (default 0).</summary>
        public double? LabelSmoothing { get; init; }
    }

    readonly double labelSmoothing;

    public CrossEntropy(double labelSmoothing = 0.0) : base(Name)
    {
        if (labelSmoothing is < 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "label smoothing must be in [0, 1)");
        this.labelSmoothing = labelSmoothing;
    }

    public override bool ReadsTeacherLogitsOnly => true;   // reads no teacher at all

    public override Tensor Compute(Taps student, IReadOnlyList<Taps> teachers, Tensor labels) =>
        nn.functional.cross_entropy(student.Logits, labels, label_smoothing: labelSmoothing);

    internal static void RegisterIn() =>
        LossRegistry.Register<Parameters>(Name, (p, _) => new CrossEntropy(p.LabelSmoothing ?? 0.0));
}
