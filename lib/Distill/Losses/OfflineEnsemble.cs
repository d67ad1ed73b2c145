using Distill.Models;
using Distill.Runtime;
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
/// with non-negative weights summing to 1 drawn afresh every step (<see cref="EnsembleWeighting.Random"/>), or the
/// plain mean as baseline. The mixture is formed in log space (log q = logsumexp_k(log w_k + log_softmax(z_k / T)))
/// so tiny probabilities stay exact. Reads logits.
/// <para>
/// The random weights of step t are a pure function of (seed, t): u_k = SplitMix64 hash of (seed, t, k) mapped to
/// (0, 1]. The step counter t is a registered buffer ("steps"), so it is saved in the distiller's checkpoint and a
/// resumed run draws exactly the weights the uninterrupted run would have drawn.
/// </para>
/// </summary>
public sealed class OfflineEnsemble : LossTerm
{
    public const string Name = "offline_ensemble";
    const string StepsBuffer = "steps";

    readonly double[] fixedWeights;
    double[] lastWeights = [];

    /// <param name="teacherCount">Number of teachers K the term will be given every step.</param>
    /// <param name="temperature">Softening temperature T.</param>
    /// <param name="weighting">Random (the paper), Mean (baseline) or Fixed.</param>
    /// <param name="seed">Seed of the weight sequence (Random mode); same seed, same weight sequence.</param>
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
        fixedWeights = weights is null ? [] : ValidWeights(weights, teacherCount);
        register_buffer(StepsBuffer, zeros(1, dtype: ScalarType.Int64));
    }

    public int TeacherCount { get; }
    public double Temperature { get; }
    public EnsembleWeighting Weighting { get; }
    public int Seed { get; }

    /// <summary>Steps computed so far (the checkpointed counter the random weights are drawn from).</summary>
    public long Steps => Counter.item<long>();

    /// <summary>The teacher weights used by the latest <see cref="Compute"/> (empty before the first step).</summary>
    public IReadOnlyList<double> LastWeights => lastWeights;

    public override string Key => Name;

    Tensor Counter => named_buffers(recurse: false).Single(b => b.name == StepsBuffer).buffer;

    public override Tensor Compute(Taps student, IReadOnlyList<Taps> teachers, Tensor labels)
    {
        if (teachers.Count != TeacherCount)
            throw new ArgumentException($"{Key}: built for {TeacherCount} teachers, given {teachers.Count}.", nameof(teachers));
        var counter = Counter;
        lastWeights = WeightsAt(counter.item<long>());
        using (no_grad()) counter.PlusInPlace(1);
        Tensor logTarget;
        using (no_grad())
        {
            var logProbs = stack(teachers.Select(t => SoftTargetKl.LogSoften(t.Logits.detach(), Temperature)).ToArray());  // [K, N, C]
            var logW = tensor(lastWeights, dtype: logProbs.dtype, device: logProbs.device).log().view(-1, 1, 1);
            logTarget = logsumexp(logProbs.Plus(logW), dim: 0);
        }
        return SoftTargetKl.Compute(logTarget, student.Logits, Temperature);
    }

    /// <summary>The weights of step <paramref name="step"/> (0-based): a pure function of the weighting, seed and step.</summary>
    public double[] WeightsAt(long step)
    {
        switch (Weighting)
        {
            case EnsembleWeighting.Mean:
                return Enumerable.Repeat(1.0 / TeacherCount, TeacherCount).ToArray();
            case EnsembleWeighting.Fixed:
                return (double[])fixedWeights.Clone();
            case EnsembleWeighting.Random:
                var e = new double[TeacherCount];
                for (int k = 0; k < e.Length; k++) e[k] = -Math.Log(Uniform(Seed, step, k));
                double sum = e.Sum();
                // sum is 0 only if every draw hit u = 1 exactly; fall back to the mean then.
                return sum > 0 ? e.Select(x => x / sum).ToArray() : Enumerable.Repeat(1.0 / TeacherCount, TeacherCount).ToArray();
            default:
                throw new InvalidOperationException($"Unknown ensemble weighting {Weighting}.");
        }
    }

    /// <summary>A uniform number in (0, 1] from the SplitMix64 finaliser of (seed, step, teacher).</summary>
    static double Uniform(int seed, long step, int teacher)
    {
        unchecked
        {
            ulong x = (ulong)(uint)seed * 0x9E3779B97F4A7C15UL ^ (ulong)step * 0xBF58476D1CE4E5B9UL ^ (ulong)(teacher + 1) * 0x94D049BB133111EBUL;
            x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
            x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
            x ^= x >> 31;
            return ((x >> 11) + 1) * (1.0 / (1UL << 53));
        }
    }

    /// <summary>
    /// Config name "offline_ensemble": every teacher of the experiment, weights seeded by the experiment's seed.
    /// Parameters "temperature" (default 4) and "mean" (0/1: 1 gives the plain-mean baseline instead of random weights).
    /// </summary>
    internal static void RegisterIn() => LossRegistry.Register(Name, (spec, context) =>
    {
        LossRegistry.CheckParameters(spec, "temperature", "mean");
        var ctx = LossRegistry.RequireContext(spec, context);
        if (ctx.Teachers.Count == 0)
            throw new ArgumentException($"Loss term '{Name}' needs at least one teacher; the experiment lists none.");
        return new OfflineEnsemble(ctx.Teachers.Count, spec.Get("temperature", 4.0),
            LossRegistry.Flag(spec, "mean") ? EnsembleWeighting.Mean : EnsembleWeighting.Random, ctx.Seed);
    });

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
