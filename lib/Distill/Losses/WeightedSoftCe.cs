using Distill.Models;
using Distill.Models.Detection;
using Distill.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Losses;

/// <summary>
/// Class-weighted knowledge distillation for detection classifiers (Chen et al. 2017, eqs. 2-3):
/// L_cls = mu L_hard(P_s, y) + (1 - mu) L_soft(P_s, P_t), with L_soft = -sum_c w_c P_t(c) log P_s(c),
/// P = softmax(Z / T), w_0 = 1.5 for background and 1 for every object class, so errors on the background class,
/// by far the most frequent, weigh more. L_hard is the ordinary cross-entropy. Applied to the RPN (two classes:
/// background / object, built from the objectness logit z as logits (0, z)) and to the RCN (C + 1 classes), on the
/// student's sampled anchors or RoIs. The paper found T = 1 (no temperature) best.
/// </summary>
public sealed class WeightedSoftCe(DetectionStage stage, double mu = 0.5, double temperature = 1.0, double backgroundWeight = 1.5)
    : DetectionLossTerm(nameof(WeightedSoftCe))
{
    /// <summary>Config parameters of "rpn_cls" and "rcn_cls" (null: Chen et al.'s value).</summary>
    public sealed record Parameters
    {
        /// <summary>Weight of the hard-label cross-entropy (default 0.5); 1 - mu goes to the teacher's soft targets.</summary>
        public double? Mu { get; init; }

        /// <summary>Softmax temperature of both sides (default 1).</summary>
        public double? Temperature { get; init; }

        /// <summary>Class weight of background in the soft term (default 1.5; every object class 1).</summary>
        public double? BackgroundWeight { get; init; }
    }

    /// <summary>The term of <paramref name="stage"/> from its config entry.</summary>
    public static WeightedSoftCe Create(DetectionStage stage, LossSpec spec)
    {
        var p = LossRegistry.Bind<Parameters>(spec);
        return new WeightedSoftCe(stage, p.Mu ?? 0.5, p.Temperature ?? 1.0, p.BackgroundWeight ?? 1.5);
    }

    public override string Key => $"{DetectionTaps.Key(stage)}_cls";

    public override Tensor Compute(Taps student, Taps teacher, DetectionTrainTargets targets)
    {
        var rows = targets.Of(stage);
        var s = student[DetectionTaps.Logits(stage)].index_select(0, rows.SampledIndex);
        var t = teacher[DetectionTaps.Logits(stage)].index_select(0, rows.SampledIndex);
        return Loss(s, t, rows.SampledLabels, mu, temperature, backgroundWeight);
    }

    /// <summary>
    /// The loss on logits [N, K] (or objectness logits [N], read as two classes) with labels [N] in 0..K-1,
    /// averaged over the N rows. The teacher's logits are detached.
    /// </summary>
    public static Tensor Loss(Tensor student, Tensor teacher, Tensor labels, double mu, double temperature = 1.0, double backgroundWeight = 1.5)
    {
        using var scope = NewDisposeScope();
        if (student.dim() == 1) student = TwoClass(student);
        if (teacher.dim() == 1) teacher = TwoClass(teacher);
        if (!student.shape.SequenceEqual(teacher.shape))
            throw new ArgumentException($"Student logits [{string.Join(", ", student.shape)}] and teacher logits [{string.Join(", ", teacher.shape)}] differ.");
        var hard = nn.functional.cross_entropy(student, labels);
        var teacherProbs = nn.functional.softmax(teacher.detach().DividedBy(temperature), 1);
        var studentLogProbs = nn.functional.log_softmax(student.DividedBy(temperature), 1);
        var weights = ones(student.shape[1], dtype: student.dtype, device: student.device);
        using var background = backgroundWeight.ToScalar();
        weights[0].fill_(background);
        var soft = -(weights * teacherProbs * studentLogProbs).sum(1).mean();
        return hard.Times(mu).Plus(soft.Times(1 - mu)).MoveToOuterDisposeScope();
    }

    /// <summary>Logits (0, z) whose softmax is (1 - sigmoid(z), sigmoid(z)): background, object.</summary>
    static Tensor TwoClass(Tensor objectness) => stack([zeros_like(objectness), objectness], 1);
}
