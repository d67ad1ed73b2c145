using Distill.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Losses;

/// <summary>
/// One distillation loss term. Uniform call: the student's taps, the teachers' taps (one per teacher; empty for
/// label-only terms) and the labels. A term may own parameters (e.g. a 1x1 adaptation conv) that are trained
/// with the student and are not part of the student.
/// </summary>
/// <param name="key">The term's one name: its config name (e.g. "kd", "fsp", "offline_ensemble") and the key its
/// value is logged under in metrics and charts.</param>
public abstract class LossTerm(string key) : nn.Module(key)
{
    /// <summary>The term's name in configs, metrics and charts, e.g. "ce", "kd", "fsp".</summary>
    public string Key { get; } = key;

    /// <summary>
    /// True when the term reads no teacher tap but the logits (soft targets, labels-only terms), so a teacher's stored
    /// logits can stand in for its forward pass (<see cref="Training.TeacherLogitCache"/>).
    /// </summary>
    public virtual bool ReadsTeacherLogitsOnly => false;

    public abstract Tensor Compute(Taps student, IReadOnlyList<Taps> teachers, Tensor labels);
}
