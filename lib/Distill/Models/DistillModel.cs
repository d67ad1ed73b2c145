using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Models;

/// <summary>
/// Base of every classification network in the zoo: forward returns <see cref="Taps"/> (logits + stage outputs).
/// </summary>
public abstract class DistillModel : nn.Module<Tensor, Taps>
{
    protected DistillModel(string name) : base(name) { }

    /// <summary>Names of the stage taps, in the order of <see cref="Taps.Stages"/>.</summary>
    public abstract IReadOnlyList<string> StageNames { get; }

    public abstract int NumClasses { get; }
}
