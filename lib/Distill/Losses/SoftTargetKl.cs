using Distill.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Losses;

/// <summary>
/// KL divergence to a softened target distribution, shared by <see cref="OfflineKl"/> and
/// <see cref="OfflineEnsemble"/>: T^2 * (1/N) * sum over n, c of q[n, c] * (log q[n, c] - log p_S[n, c]),
/// with p_S = softmax(z_S / T). Works on log-probabilities throughout; entries with q = 0 contribute 0.
/// The T^2 factor keeps gradient magnitudes comparable across temperatures (Hinton et al. 2015).
/// </summary>
public static class SoftTargetKl
{
    /// <summary>log softmax(logits / T) over the class dimension of [N, classes] logits.</summary>
    public static Tensor LogSoften(Tensor logits, double temperature)
    {
        if (logits.dim() != 2)
            throw new ArgumentException($"Softened outputs need [N, classes] logits; got [{string.Join(", ", logits.shape)}].");
        return nn.functional.log_softmax(logits.DividedBy(temperature), dim: 1);
    }

    /// <summary>
    /// T^2 * batchmean KL(q || p_S) with <paramref name="logTarget"/> = log q (constant; no gradient flows into it)
    /// and <paramref name="studentLogits"/> the raw student logits [N, classes].
    /// </summary>
    public static Tensor Compute(Tensor logTarget, Tensor studentLogits, double temperature)
    {
        var logStudent = LogSoften(studentLogits, temperature);
        if (!logTarget.shape.SequenceEqual(logStudent.shape))
            throw new ArgumentException(
                $"KL target is [{string.Join(", ", logTarget.shape)}] but student logits are [{string.Join(", ", logStudent.shape)}].");
        var target = logTarget.detach();
        var q = target.exp();
        var pointwise = where(q.Above(0), q * (target - logStudent), zeros_like(logStudent));
        return pointwise.sum().Times(temperature * temperature / logStudent.shape[0]);
    }

    /// <summary>Throws unless T is a finite positive number.</summary>
    public static void ValidateTemperature(double temperature, string owner)
    {
        if (!(temperature > 0) || double.IsInfinity(temperature))
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, $"{owner}: temperature must be finite and > 0.");
    }
}
