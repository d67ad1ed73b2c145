using Distill.Models;
using static TorchSharp.torch;

namespace Distill.Losses;

/// <summary>
/// Offline KL of Chou et al., "Deep Neural Network Compression with Knowledge Distillation Using Cross-Layer Matrix,
/// KL Divergence and Offline Ensemble" (APSIPA ASC 2020): the KL divergence of Deep Mutual Learning (Zhang et al.,
/// CVPR 2018) used offline, i.e. with a frozen pretrained teacher instead of a peer trained alongside:
/// L = T^2 * (1/N) * sum over n of KL(softmax(z_T[n] / T) || softmax(z_S[n] / T)),
/// both sides through log_softmax for stability (see <see cref="SoftTargetKl"/>). Reads logits; needs one teacher.
/// </summary>
public sealed class OfflineKl : LossTerm
{
    /// <param name="temperature">Softening temperature T (T = 1 is DML's plain KL).</param>
    public OfflineKl(double temperature = 4.0) : base(nameof(OfflineKl))
    {
        SoftTargetKl.ValidateTemperature(temperature, nameof(OfflineKl));
        Temperature = temperature;
    }

    public double Temperature { get; }

    public const string Name = "offline_kl";

    public override string Key => Name;

    /// <summary>Config name "offline_kl"; parameter "temperature" (default 4).</summary>
    internal static void RegisterIn() => LossRegistry.Register(Name, spec =>
    {
        LossRegistry.CheckParameters(spec, "temperature");
        return new OfflineKl(spec.Get("temperature", 4.0));
    });

    public override Tensor Compute(Taps student, IReadOnlyList<Taps> teachers, Tensor labels)
    {
        if (teachers.Count != 1)
            throw new ArgumentException($"{Key}: needs exactly one teacher's taps, got {teachers.Count}.", nameof(teachers));
        var logTarget = SoftTargetKl.LogSoften(teachers[0].Logits.detach(), Temperature);
        return SoftTargetKl.Compute(logTarget, student.Logits, Temperature);
    }
}
