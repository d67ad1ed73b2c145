using Distill.Models;
using Distill.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Losses;

/// <summary>How the per-pair losses of a Gram-matching term are combined.</summary>
public enum PairReduction
{
    /// <summary>Sum over pairs (default): the FSP paper's sum with equal weights lambda_i = 1.</summary>
    Sum,

    /// <summary>Mean over pairs: keeps the term's scale independent of how many pairs are matched.</summary>
    Mean,
}

/// <summary>
/// Shared machinery of <see cref="Fsp"/> and <see cref="CrossLayerGram"/>: for every layer pair (i, j) build the
/// Gram matrix of stages i and j in the student (after <see cref="ChannelAdaptation"/>) and in the frozen teacher,
/// take the mean squared difference over batch and matrix entries, and combine the pairs with
/// <see cref="PairReduction"/>. Reads <see cref="Taps.Stages"/> only; needs exactly one teacher. A teacher with more
/// stages than the student (VGG-11's five against VGG-6's three) is matched on its first stages, which have the
/// student's resolutions.
/// </summary>
public abstract class GramMatchingTerm : LossTerm
{
    readonly ChannelAdaptation adaptation;

    protected GramMatchingTerm(
        string name,
        IReadOnlyList<int> studentChannels,
        IReadOnlyList<int> teacherChannels,
        IReadOnlyList<LayerPair> pairs,
        GramPooling pooling,
        PairReduction reduction) : base(name)
    {
        adaptation = new ChannelAdaptation(studentChannels, teacherChannels);
        LayerPair.Validate(pairs, studentChannels.Count, name);
        Pairs = pairs.ToArray();
        Pooling = pooling;
        Reduction = reduction;
        RegisterComponents();
    }

    /// <summary>The matched stage pairs, in order.</summary>
    public IReadOnlyList<LayerPair> Pairs { get; }

    public GramPooling Pooling { get; }

    public PairReduction Reduction { get; }

    /// <summary>The student-side 1x1 convolutions (its parameters are this term's parameters).</summary>
    public ChannelAdaptation Adaptation => adaptation;

    public override Tensor Compute(Taps student, IReadOnlyList<Taps> teachers, Tensor labels)
    {
        if (teachers.Count != 1)
            throw new ArgumentException($"{Key}: needs exactly one teacher's taps, got {teachers.Count}.", nameof(teachers));
        var teacher = teachers[0];
        int stages = adaptation.StudentChannels.Count;
        if (student.Stages.Count != stages || teacher.Stages.Count < stages)
            throw new ArgumentException(
                $"{Key}: built for {stages} stages; the student tapped {student.Stages.Count}, the teacher {teacher.Stages.Count}.");
        for (int i = 0; i < stages; i++)
            if (teacher.Stages[i].dim() != 4 || teacher.Stages[i].shape[1] != adaptation.TeacherChannels[i])
                throw new ArgumentException(
                    $"{Key}: teacher stage {i} is [{string.Join(", ", teacher.Stages[i].shape)}]; " +
                    $"built for [N, {adaptation.TeacherChannels[i]}, h, w].");

        var adapted = new Tensor?[stages];
        Tensor StudentStage(int i) => adapted[i] ??= adaptation.Adapt(i, student.Stages[i]);

        Tensor? total = null;
        foreach (var (i, j) in Pairs)
        {
            Tensor target;
            using (no_grad())
                target = GramMatrix.Compute(teacher.Stages[i].detach(), teacher.Stages[j].detach(), Pooling);
            var g = GramMatrix.Compute(StudentStage(i), StudentStage(j), Pooling);
            if (!g.shape.SequenceEqual(target.shape))
                throw new ArgumentException(
                    $"{Key}: pair ({i},{j}) gives a student Gram matrix [{string.Join(", ", g.shape)}] " +
                    $"but a teacher one [{string.Join(", ", target.shape)}] (batch sizes differ?).");
            var pairLoss = (g - target).Squared().mean();
            total = total is null ? pairLoss : total.Plus(pairLoss);
        }
        return Reduction == PairReduction.Mean ? total!.DividedBy(Pairs.Count) : total!;
    }

    /// <summary>Config parameters shared by the Gram terms: "max_pooling" (0/1) and "mean_over_pairs" (0/1).</summary>
    internal static readonly string[] CommonParameters = ["max_pooling", "mean_over_pairs"];

    /// <summary>
    /// Builds a Gram term from a config: stage channels of student and (single) teacher probed from their specs, the
    /// teacher cut to the student's stage count, pooling and reduction from the switches.
    /// </summary>
    internal static LossTerm FromConfig(LossSpec spec, LossContext? context,
        Func<IReadOnlyList<int>, IReadOnlyList<int>, GramPooling, PairReduction, LossTerm> create)
    {
        var ctx = LossRegistry.RequireContext(spec, context);
        var student = LossContext.StageChannels(ctx.Student);
        var teacher = LossContext.StageChannels(ctx.SingleTeacher(spec.Name));
        if (teacher.Count < student.Count)
            throw new ArgumentException(
                $"Loss term '{spec.Name}': the teacher {ctx.Teachers[0].Name} taps {teacher.Count} stages, fewer than the student {ctx.Student.Name}'s {student.Count}.");
        return create(student, teacher.Take(student.Count).ToArray(),
            LossRegistry.Flag(spec, "max_pooling") ? GramPooling.Max : GramPooling.Average,
            LossRegistry.Flag(spec, "mean_over_pairs") ? PairReduction.Mean : PairReduction.Sum);
    }
}
