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
public sealed class WeightedSoftCe(string stage, double mu = 0.5, double temperature = 1.0, double backgroundWeight = 1.5)
    : LossTerm($"{stage}_cls")
{
    public override Tensor Compute(Taps student, IReadOnlyList<Taps> teachers, Tensor labels)
    {
        if (teachers.Count != 1) throw new ArgumentException($"{Key} distils from one teacher; got {teachers.Count}.");
        var index = student[DetectionTaps.ClsIndex(stage)];
        var s = student[DetectionTaps.Logits(stage)].index_select(0, index);
        var t = teachers[0][DetectionTaps.Logits(stage)].index_select(0, index);
        return Loss(s, t, student[DetectionTaps.ClsLabels(stage)], mu, temperature, backgroundWeight);
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
