using Distill.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace KdStep;

/// <summary>
/// A frozen teacher whose outputs are reused: the k-th call of every round of <see cref="Positions"/> calls returns
/// the logits the wrapped teacher produced for the k-th call of the first round. Valid only when the k-th batch of
/// every round holds the same images, i.e. a loader without shuffling and without augmentation (or one fixed batch);
/// then KD against cached teacher logits is exactly KD against the teacher, at the cost of the student alone.
/// Only logits are cached: the stage taps of the replayed outputs are empty, so logit-based terms (Hinton KD,
/// offline KL) work and feature-based terms (FSP, hints) do not.
/// </summary>
public sealed class ReplayTeacher : DistillModel
{
    readonly DistillModel teacher;
    readonly Tensor?[] cache;
    int calls;

    public ReplayTeacher(DistillModel teacher, int positions) : base($"replay({teacher.GetName()})")
    {
        if (positions <= 0) throw new ArgumentOutOfRangeException(nameof(positions), positions, "must be > 0");
        this.teacher = teacher;
        cache = new Tensor?[positions];
        RegisterComponents();
    }

    public int Positions => cache.Length;

    public override IReadOnlyList<string> StageNames => [];

    public override int NumClasses => teacher.NumClasses;

    public override Taps forward(Tensor images)
    {
        int k = calls++ % cache.Length;
        if (cache[k] is { } logits)
        {
            if (logits.shape[0] != images.shape[0])
                throw new InvalidOperationException(
                    $"Replayed teacher position {k} holds {logits.shape[0]} rows but the batch has {images.shape[0]}: the batch sequence changed.");
            return new Taps(logits, []);
        }
        using var noGrad = no_grad();
        var fresh = teacher.call(images).Logits.detach().clone().DetachFromDisposeScope();
        cache[k] = fresh;
        return new Taps(fresh, []);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            foreach (var t in cache) t?.Dispose();
        base.Dispose(disposing);
    }
}
