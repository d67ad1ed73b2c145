using Distill.Losses;
using Distill.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Training;

/// <summary>What one distiller step produced: the weighted total, each term's unweighted value, the student's logits.</summary>
public sealed record DistillStep(Tensor Loss, IReadOnlyList<Tensor> Terms, Tensor StudentLogits);

/// <summary>
/// A student, frozen teachers and a weighted list of loss terms: loss = sum_i w_i * term_i(student taps,
/// teacher taps, labels). Plain supervised training is the special case of no teachers and one "ce" term.
/// Teachers are held outside the module tree: they are not in <see cref="Module.parameters"/>, not in the
/// checkpointed state, stay in eval mode (BatchNorm statistics untouched, no dropout) and run without autograd.
/// Loss terms are submodules, so their own parameters (e.g. adaptation layers) train and checkpoint with the student.
/// </summary>
public sealed class Distiller : nn.Module
{
    readonly DistillModel student;
    readonly ModuleList<LossTerm> terms;
    readonly IReadOnlyList<DistillModel> teachers;
    readonly WeightedTotal total;
    readonly IReadOnlyList<TeacherLogitCache>? teacherLogits;

    /// <param name="teacherLogits">One cache per teacher, in order, used when every term reads only teacher logits
    /// (<see cref="LossTerm.ReadsTeacherLogitsOnly"/>); ignored otherwise.</param>
    public Distiller(DistillModel student, IReadOnlyList<DistillModel> teachers, IReadOnlyList<(LossTerm Term, double Weight)> losses,
                     IReadOnlyList<TeacherLogitCache>? teacherLogits = null)
        : base(nameof(Distiller))
    {
        if (teacherLogits is not null && teacherLogits.Count != teachers.Count)
            throw new ArgumentException($"{teacherLogits.Count} teacher logit caches for {teachers.Count} teachers.", nameof(teacherLogits));
        if (losses.Count == 0) throw new ArgumentException("A distiller needs at least one loss term.", nameof(losses));
        var duplicate = losses.GroupBy(l => l.Term.Key).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"Loss term '{duplicate.Key}' appears twice; metrics name terms by key.");
        this.student = student;
        this.teachers = teachers;
        terms = new ModuleList<LossTerm>(losses.Select(l => l.Term).ToArray());
        total = new WeightedTotal(losses.Select(l => l.Weight).ToArray());
        RegisterComponents();
        foreach (var teacher in teachers) Freeze(teacher);
        if (teacherLogits is not null && teachers.Count > 0 && losses.All(l => l.Term.ReadsTeacherLogitsOnly)) this.teacherLogits = teacherLogits;
    }

    public DistillModel Student => student;
    public IReadOnlyList<DistillModel> Teachers => teachers;
    public IReadOnlyList<LossTerm> Terms => terms.ToArray();
    public IReadOnlyList<double> Weights => total.Weights;
    public IReadOnlyList<string> TermKeys => terms.Select(t => t.Key).ToArray();

    /// <summary>The teachers' logit caches in use, or null when the teachers run on every batch.</summary>
    public IReadOnlyList<TeacherLogitCache>? TeacherLogits => teacherLogits;

    /// <summary>Puts a teacher in eval mode and switches off its gradients, for good.</summary>
    public static void Freeze(nn.Module teacher)
    {
        teacher.eval();
        foreach (var p in teacher.parameters()) p.requires_grad = false;
    }

    /// <summary>Runs the teachers (no autograd), the student and every term on one batch.</summary>
    public DistillStep Step(Tensor images, Tensor labels)
    {
        var teacherTaps = new List<Taps>(teachers.Count);
        if (teachers.Count > 0)
        {
            using var noGrad = no_grad();
            for (int k = 0; k < teachers.Count; k++)
            {
                var teacher = teachers[k];
                if (teacher.training) teacher.eval();
                teacherTaps.Add(teacherLogits is null
                    ? teacher.call(images)
                    : new Taps(teacherLogits[k].Logits(images, () => teacher.call(images).Logits), []));
            }
        }
        var studentTaps = student.call(images);
        var (loss, values) = total.Sum(i => terms[i].Compute(studentTaps, teacherTaps, labels));
        return new DistillStep(loss, values, studentTaps.Logits);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) total.Dispose();
        base.Dispose(disposing);
    }
}
