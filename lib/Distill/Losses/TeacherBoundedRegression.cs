using Distill.Models;
using Distill.Models.Detection;
using Distill.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Losses;

/// <summary>
/// Teacher-bounded regression (Chen et al. 2017, eqs. 4-5): the teacher's box error is an upper bound the student must
/// reach, not a target. Per box i, L_b = ||R_s - y||^2 if ||R_s - y||^2 + m &gt; ||R_t - y||^2, else 0; and
/// L_reg = smooth-L1(R_s, y) + nu L_b, summed over the positive anchors / RoIs and divided by the number of sampled
/// rows (as the Faster R-CNN box losses, whose smooth-L1 beta it takes from the stage's targets).
/// Once the student beats the teacher by the margin m, only smooth-L1 remains.
/// </summary>
public sealed class TeacherBoundedRegression(DetectionStage stage, double nu = 0.5, double margin = 0.0)
    : DetectionLossTerm(nameof(TeacherBoundedRegression))
{
    /// <summary>Config parameters of "rpn_reg" and "rcn_reg" (null: Chen et al.'s value).</summary>
    public sealed record Parameters
    {
        /// <summary>Weight of the teacher bound L_b beside smooth-L1 (default 0.5).</summary>
        public double? Nu { get; init; }

        /// <summary>Margin m by which the student must beat the teacher's squared error (default 0).</summary>
        public double? Margin { get; init; }
    }

    /// <summary>The term of <paramref name="stage"/> from its config entry.</summary>
    public static TeacherBoundedRegression Create(DetectionStage stage, LossSpec spec)
    {
        var p = LossRegistry.Bind<Parameters>(spec);
        return new TeacherBoundedRegression(stage, p.Nu ?? 0.5, p.Margin ?? 0.0);
    }

    public override string Key => $"{DetectionTaps.Key(stage)}_reg";

    public override Tensor Compute(Taps student, Taps teacher, DetectionTrainTargets targets)
    {
        var rows = targets.Of(stage);
        var (s, t) = Select(student, teacher, rows);
        return Loss(s, t, rows.RegressionTargets, nu, margin, rows.SmoothL1Beta, rows.Normaliser);
    }

    /// <summary>The bound alone, sum of L_b over the regressed rows / sampled rows, without nu and detached: for logging.</summary>
    public Tensor BoundedPart(Taps student, Taps teacher, DetectionTrainTargets targets)
    {
        using var scope = NewDisposeScope();
        var rows = targets.Of(stage);
        var (s, t) = Select(student, teacher, rows);
        return Bounded(s.detach(), t, rows.RegressionTargets, margin).sum().DividedBy(rows.Normaliser).MoveToOuterDisposeScope();
    }

    (Tensor Student, Tensor Teacher) Select(Taps student, Taps teacher, StageTargets rows) =>
        (student[DetectionTaps.Deltas(stage)].index_select(0, rows.RegressionIndex),
         teacher[DetectionTaps.Deltas(stage)].index_select(0, rows.RegressionIndex));

    /// <summary>
    /// L_reg for student and teacher regressions [P, 4] and targets [P, 4], summed over boxes and divided by
    /// <paramref name="normaliser"/>. The teacher is detached; the bound's on/off decision carries no gradient.
    /// </summary>
    public static Tensor Loss(Tensor student, Tensor teacher, Tensor targets, double nu, double margin, double smoothL1Beta = 1.0, double normaliser = 1.0)
    {
        using var scope = NewDisposeScope();
        var smooth = nn.functional.smooth_l1_loss(student, targets, reduction: nn.Reduction.Sum, beta: smoothL1Beta);
        var bounded = Bounded(student, teacher, targets, margin).sum();
        return smooth.Plus(bounded.Times(nu)).DividedBy(normaliser).MoveToOuterDisposeScope();
    }

    /// <summary>L_b per box [P]: the student's squared error where it does not beat the teacher's by the margin, else 0.</summary>
    public static Tensor Bounded(Tensor student, Tensor teacher, Tensor targets, double margin)
    {
        using var scope = NewDisposeScope();
        using var two = 2.ToScalar();
        var studentError = (student - targets).pow(two).sum(1);
        var teacherError = (teacher.detach() - targets).pow(two).sum(1);
        var active = (studentError.detach().Plus(margin) > teacherError).to_type(studentError.dtype);
        return (active * studentError).MoveToOuterDisposeScope();
    }
}
