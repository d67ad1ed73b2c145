using Distill.Losses;
using Distill.Models.Detection;
using Distill.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Training.Detection;

/// <summary>
/// A Faster R-CNN student, a frozen Faster R-CNN teacher and a weighted list of detection loss terms (Chen et al.
/// 2017): the student's training forward samples anchors and RoIs, the teacher (eval mode, no gradient) is evaluated on
/// the same images, anchors and RoIs, and L = sum_i w_i term_i(student taps, teacher taps, sampled targets) is the loss
/// (eq. 1 with the terms of <see cref="DetectionDistillation.ChenEtAl"/>). Without a teacher the loss is the plain
/// Faster R-CNN loss, logged under the same names, which is how the teacher itself and the student-from-scratch
/// baseline are trained. As in <see cref="Distiller"/>, the teacher is held outside the module tree (not trained,
/// not checkpointed); the terms are submodules, so the hint's adaptation layer trains and checkpoints with the student.
/// </summary>
public sealed class DetectionDistiller : nn.Module
{
    /// <summary>The bound part of the teacher-bounded regression terms, logged beside them (detached, not in the loss).</summary>
    public const string Bounded = "bounded";

    /// <summary>The plain Faster R-CNN losses, under the names of the distillation terms that replace them.</summary>
    public static readonly IReadOnlyList<string> PlainKeys = ["rpn_cls", "rpn_reg", "rcn_cls", "rcn_reg"];

    readonly FasterRcnn student;
    readonly ModuleList<DetectionLossTerm> terms;
    readonly IReadOnlyList<FasterRcnn> teacher;   // a list, so that RegisterComponents leaves it out of the module tree
    readonly WeightedTotal total;

    /// <param name="teacher">Null with loss terms only for a holder that a checkpoint is restored into (it cannot <see cref="Step"/>).</param>
    public DetectionDistiller(FasterRcnn student, FasterRcnn? teacher = null, IReadOnlyList<(DetectionLossTerm Term, double Weight)>? losses = null)
        : base(nameof(DetectionDistiller))
    {
        losses ??= [];
        if (teacher is not null && losses.Count == 0)
            throw new ArgumentException("A teacher needs distillation loss terms; plain training needs neither.");
        if (teacher is not null)
        {
            var (s, t) = (student.Rpn.Anchors, teacher.Rpn.Anchors);
            if (s.Stride != t.Stride || !s.Sizes.SequenceEqual(t.Sizes) || !s.AspectRatios.SequenceEqual(t.AspectRatios))
                throw new ArgumentException($"Student and teacher anchors differ (stride {s.Stride} vs {t.Stride}, sizes [{string.Join(", ", s.Sizes)}] vs " +
                                            $"[{string.Join(", ", t.Sizes)}], ratios [{string.Join(", ", s.AspectRatios)}] vs [{string.Join(", ", t.AspectRatios)}]); " +
                                            "the RPN distillation terms compare them anchor by anchor.");
            if (student.NumClasses != teacher.NumClasses)
                throw new ArgumentException($"Student has {student.NumClasses} classes, teacher {teacher.NumClasses}.");
            Distiller.Freeze(teacher);
        }
        var duplicate = losses.GroupBy(l => l.Term.Key).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"Loss term '{duplicate.Key}' appears twice; metrics name terms by key.");
        this.student = student;
        this.teacher = teacher is null ? [] : [teacher];
        terms = new ModuleList<DetectionLossTerm>(losses.Select(l => l.Term).ToArray());
        total = new WeightedTotal(losses.Select(l => l.Weight).ToArray());
        RegisterComponents();
        LoggedKeys = losses.Count == 0 ? PlainKeys
            : [.. terms.Select(t => t.Key), .. terms.OfType<TeacherBoundedRegression>().Any() ? [Bounded] : Array.Empty<string>()];
    }

    public FasterRcnn Student => student;
    public FasterRcnn? Teacher => teacher.Count == 0 ? null : teacher[0];
    public IReadOnlyList<DetectionLossTerm> Terms => terms.ToArray();

    /// <summary>What <see cref="Step"/> logs besides the total, in order.</summary>
    public IReadOnlyList<string> LoggedKeys { get; }

    /// <summary>
    /// One training forward on a batch: the loss and the logged values (<see cref="LoggedKeys"/>): each term unweighted,
    /// and "bounded"; plain: the four Faster R-CNN losses. <paramref name="rng"/> drives the anchor and RoI sampling.
    /// </summary>
    public (Tensor Loss, IReadOnlyList<Tensor> Logged) Step(Tensor images, IReadOnlyList<DetectionTarget> targets, Random rng)
    {
        student.train();
        var output = student.TrainStep(images, targets, rng);
        if (terms.Count == 0)
            return (output.Total, output.Losses.Values.ToList());
        if (Teacher is not { } frozen) throw new InvalidOperationException("Distillation terms without a teacher: this distiller only holds a checkpoint's state.");
        Models.Taps teacherTaps;
        using (no_grad())
            teacherTaps = frozen.TapsOn(images, output.Taps[DetectionTaps.Rois]);
        terms.train();
        var (loss, values) = total.Sum(i => terms[i].Compute(output.Taps, teacherTaps, output.Targets));
        var bounded = terms.OfType<TeacherBoundedRegression>().Select(t => t.BoundedPart(output.Taps, teacherTaps, output.Targets)).ToList();
        return (loss, bounded.Count == 0 ? values : [.. values, bounded.Aggregate((a, b) => a.Plus(b))]);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) total.Dispose();
        base.Dispose(disposing);
    }
}
