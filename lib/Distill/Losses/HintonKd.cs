using Distill.Models;
using Distill.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Losses;

/// <summary>
/// Hinton, Vinyals and Dean, "Distilling the Knowledge in a Neural Network" (2015): the KL divergence between the
/// teacher's and the student's softened class distributions at temperature T, scaled by T^2 so that its gradients
/// keep their size as T changes:  T^2 * KL(softmax(z_t / T) || softmax(z_s / T)), averaged over the batch.
/// Computed from log-softmax on both sides (no softmax of large logits, no log of zero). With several teachers the
/// target is the mean of their log-probabilities' distributions, i.e. the averaged soft targets.
/// The paper's alpha is the weight of this term in the experiment's loss list (with 1 - alpha on "ce").
/// </summary>
public sealed class HintonKd : LossTerm
{
    public const string Name = "kd";

    public HintonKd(double temperature = 4.0) : base(nameof(HintonKd))
    {
        if (!(temperature > 0)) throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "temperature must be > 0");
        Temperature = temperature;
    }

    public double Temperature { get; }

    public override string Key => Name;

    public override Tensor Compute(Taps student, IReadOnlyList<Taps> teachers, Tensor labels)
    {
        if (teachers.Count == 0) throw new InvalidOperationException("The 'kd' loss term needs at least one teacher.");
        var t = Temperature;
        var logStudent = nn.functional.log_softmax(student.Logits.DividedBy(t), 1);
        var logTeacher = teachers.Count == 1
            ? nn.functional.log_softmax(teachers[0].Logits.DividedBy(t), 1)
            : stack(teachers.Select(x => nn.functional.log_softmax(x.Logits.DividedBy(t), 1)), 0).logsumexp(0).Minus(Math.Log(teachers.Count));
        var kl = (logTeacher.exp() * (logTeacher - logStudent)).sum(1).mean();
        return kl.Times(t * t);
    }

    internal static void RegisterIn() => LossRegistry.Register(Name, spec =>
    {
        LossRegistry.CheckParameters(spec, "temperature");
        return new HintonKd(spec.Get("temperature", 4.0));
    });
}
