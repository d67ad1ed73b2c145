using Distill.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Losses;

/// <summary>How <see cref="OfflineEnsemble"/> weights its teachers each step.</summary>
public enum EnsembleWeighting
{
    /// <summary>
    /// Fresh random weights every step, drawn from the flat Dirichlet(1, ..., 1) (uniform on the simplex) as
    /// normalised exponentials: e_k = -ln(u_k), u_k uniform on (0, 1]; w_k = e_k / sum e.
    /// </summary>
    Random,

    /// <summary>Equal weights 1/K every step: the plain-mean ensemble baseline.</summary>
    Mean,

    /// <summary>Weights given at construction, the same every step.</summary>
    Fixed,
}

/// <summary>
/// Offline ensemble of Chou et al., "Deep Neural Network Compression with Knowledge Distillation Using Cross-Layer
/// Matrix, KL Divergence and Offline Ensemble" (APSIPA ASC 2020): several frozen pretrained teachers teach one
/// student through a weighted mixture of their softened outputs,
/// q = sum over k of w_k softmax(z_k / T),  L = T^2 * (1/N) * sum over n of KL(q[n] || softmax(z_S[n] / T)),
/// with non-negative weights summing to 1 drawn afresh every step (<see cref="EnsembleWeighting.Random"/>) from a
/// generator the term owns and seeds, or the plain mean as baseline. The mixture is formed in log space
/// (log q = logsumexp_k(log w_k + log_softmax(z_k / T))) so tiny probabilities stay exact. Reads logits.
/// </summary>
public sealed class OfflineEnsemble : LossTerm
{
    readonly Random rng;
    readonly double[] fixedWeights;
    double[] lastWeights = [];

    /// <param name="teacherCount">Number of teachers K the term will be given every step.</param>
    /// <param name="temperature">Softening temperature T.</param>
    /// <param name="weighting">Random (the paper), Mean (baseline) or Fixed.</param>
    /// <param name="seed">Seed of the term's own weight generator (Random mode); same seed, same weight sequence.</param>
    /// <param name="weights">The weights for <see cref="EnsembleWeighting.Fixed"/>: K non-negative numbers summing to 1.</param>
    public OfflineEnsemble(
        int teacherCount,
        double temperature = 4.0,
        EnsembleWeighting weighting = EnsembleWeighting.Random,
        int seed = 0,
        IReadOnlyList<double>? weights = null) : base(nameof(OfflineEnsemble))
    {
        if (teacherCount < 1)
            throw new ArgumentOutOfRangeException(nameof(teacherCount), teacherCount, "Offline ensemble: needs at least one teacher.");
        SoftTargetKl.ValidateTemperature(temperature, nameof(OfflineEnsemble));
        if ((weighting == EnsembleWeighting.Fixed) != (weights is not null))
            throw new ArgumentException("Offline ensemble: give weights exactly when weighting is Fixed.", nameof(weights));
        TeacherCount = teacherCount;
        Temperature = temperature;
        Weighting = weighting;
        Seed = seed;
        rng = new Random(seed);
        fixedWeights = weights is null ? [] : ValidWeights(weights, teacherCount);
    }

    public int TeacherCount { get; }
    public double Temperature { get; }
    public EnsembleWeighting Weighting { get; }
    public int Seed { get; }

    /// <summary>The teacher weights used by the latest <see cref="Compute"/> (empty before the first step).</summary>
    public IReadOnlyList<double> LastWeights => lastWeights;

    public override string Key => "offline_ensemble";

    public override Tensor Compute(Taps student, IReadOnlyList<Taps> teachers, Tensor labels)
    {
        if (teachers.Count != TeacherCount)
            throw new ArgumentException($"{Key}: built for {TeacherCount} teachers, given {teachers.Count}.", nameof(teachers));
        lastWeights = NextWeights();
        Tensor logTarget;
        using (no_grad())
        {
            var logProbs = stack(teachers.Select(t => SoftTargetKl.LogSoften(t.Logits.detach(), Temperature)).ToArray());  // [K, N, C]
            var logW = tensor(lastWeights, dtype: logProbs.dtype, device: logProbs.device).log().view(-1, 1, 1);
            logTarget = logsumexp(logProbs + logW, dim: 0);
        }
        return SoftTargetKl.Compute(logTarget, student.Logits, Temperature);
    }

    double[] NextWeights()
    {
        switch (Weighting)
        {
            case EnsembleWeighting.Mean:
                return Enumerable.Repeat(1.0 / TeacherCount, TeacherCount).ToArray();
            case EnsembleWeighting.Fixed:
                return (double[])fixedWeights.Clone();
            case EnsembleWeighting.Random:
                var e = new double[TeacherCount];
                for (int k = 0; k < e.Length; k++) e[k] = -Math.Log(1.0 - rng.NextDouble());
                double sum = e.Sum();
                // sum is 0 only if every draw hit u = 1 exactly; fall back to the mean then.
                return sum > 0 ? e.Select(x => x / sum).ToArray() : Enumerable.Repeat(1.0 / TeacherCount, TeacherCount).ToArray();
            default:
                throw new InvalidOperationException($"Unknown ensemble weighting {Weighting}.");
        }
    }

    static double[] ValidWeights(IReadOnlyList<double> weights, int teacherCount)
    {
        if (weights.Count != teacherCount)
            throw new ArgumentException($"Offline ensemble: {weights.Count} weights for {teacherCount} teachers.", nameof(weights));
        for (int k = 0; k < weights.Count; k++)
            if (!(weights[k] >= 0) || double.IsInfinity(weights[k]))
                throw new ArgumentException($"Offline ensemble: weight #{k} is {weights[k]}; weights must be finite and >= 0.", nameof(weights));
        double sum = weights.Sum();
        if (Math.Abs(sum - 1.0) > 1e-9)
            throw new ArgumentException($"Offline ensemble: weights sum to {sum}, not 1.", nameof(weights));
        return weights.ToArray();
    }
}
