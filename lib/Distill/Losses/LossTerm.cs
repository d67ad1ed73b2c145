using Distill.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Losses;

/// <summary>
/// One distillation loss term. Uniform call: the student's taps, the teachers' taps (one per teacher; empty for
/// label-only terms) and the labels. A term may own parameters (e.g. a 1x1 adaptation conv) that are trained
/// with the student and are not part of the student.
/// </summary>
public abstract class LossTerm : nn.Module
{
    protected LossTerm(string name) : base(name) { }

    /// <summary>Short name used in metrics and charts, e.g. "ce", "kd", "fsp".</summary>
    public abstract string Key { get; }

    public abstract Tensor Compute(Taps student, IReadOnlyList<Taps> teachers, Tensor labels);
}
