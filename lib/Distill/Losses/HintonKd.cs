using Distill.Models;
using Distill.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Losses;

/// <summary>
/// Knowledge distillation to soft targets, Hinton, Vinyals and Dean, "Distilling the Knowledge in a Neural Network"
/// (2015): the KL divergence from the teachers' softened class distributions p_k = softmax(z_k / T) to the student's
/// p_S = softmax(z_S / T), scaled by T^2 so that gradients keep their size as T changes, averaged over the batch:
/// L = T^2 (1/N) sum_n KL(q[n] || p_S[n]), where q mixes the K teachers as <see cref="TeacherMixture"/> says.
/// The four soft-target terms of the three papers are presets of this one term (config names):
/// <list type="bullet">
/// <item>"kd": Hinton et al.; the mean of the teachers' probabilities (one teacher: its own). Its alpha is this term's
/// weight in the experiment's loss list (with 1 - alpha on "ce").</item>
/// <item>"offline_kl": Chou, Chiu and Liao, "Deep Neural Network Compression with Knowledge Distillation Using
/// Cross-Layer Matrix, KL Divergence and Offline Ensemble" (APSIPA ASC 2020): the KL of Deep Mutual Learning (Zhang et
/// al., CVPR 2018) with one frozen pretrained teacher. DML's KL is at T = 1; at T = 4 with the T^2 factor it is
/// Hinton KD with one teacher, and the experiment's loss weights are what differ.</item>
/// <item>"offline_ensemble": Chou et al. 2020: q = sum_k w_k p_k, w ~ Dirichlet(1, ..., 1) drawn afresh every step; with
/// mixture "mean" the plain-mean baseline.</item>
/// <item>"multi_teacher": Wu, Chiu and Wu, "Multi-teacher Knowledge Distillation for Compressed Video Action Recognition
/// on Deep Neural Networks" (ICASSP 2019): L = T^2 sum_k w_k (1/N) sum_n KL(p_k[n] || p_S[n]), weights normalised to
/// sum 1, equal when not given.</item>
/// </list>
/// Everything is computed from log-softmax (no softmax of large logits, no log of zero; a mixture is formed in log space,
/// log q = logsumexp_k(log w_k + log p_k)); entries with q = 0 contribute 0. The teachers' logits are detached here and
/// nowhere else, and T is validated here and nowhere else.
/// <para>
/// Dirichlet weights are a pure function of (seed, step t) (<see cref="DirichletWeights"/>); t is a registered buffer
/// ("steps", only for that mixture), saved in the distiller's checkpoint, so a resumed run draws exactly the weights of
/// an uninterrupted one.
/// </para>
/// </summary>
public sealed class HintonKd : LossTerm
{
    /// <summary>The config names of the presets.</summary>
    public static class Names
    {
        public const string Kd = "kd", OfflineKl = "offline_kl", OfflineEnsemble = "offline_ensemble", MultiTeacher = "multi_teacher";
    }

    /// <summary>Config parameters of every preset; a field left out takes the preset's default.</summary>
    public sealed record Parameters
    {
        /// <summary>Softening temperature T (default 4).</summary>
        public double? Temperature { get; init; }

        /// <summary>single, mean, fixed, dirichlet or sum (default: the preset's).</summary>
        public TeacherMixture? Mixture { get; init; }

        /// <summary>Per-teacher weights, in the experiment's teacher order, for "fixed" (required) and "sum" (default equal);
        /// normalised to sum 1.</summary>
        public IReadOnlyList<double>? Weights { get; init; }
    }

    const string StepsBuffer = "steps";

    readonly double[]? weights;
    double[] lastWeights = [];

    /// <param name="temperature">Softening temperature T: finite and &gt; 0.</param>
    /// <param name="mixture">How the teachers are combined.</param>
    /// <param name="weights">Per-teacher weights for <see cref="TeacherMixture.Fixed"/> (required) and
    /// <see cref="TeacherMixture.Sum"/> (optional, equal when null): finite, &gt;= 0, not all 0; normalised to sum 1.</param>
    /// <param name="teacherCount">K for <see cref="TeacherMixture.Dirichlet"/> (the number of weights drawn each step).</param>
    /// <param name="seed">Seed of the Dirichlet weight sequence; same seed, same sequence.</param>
    /// <param name="key">The term's name (the preset's config name).</param>
    public HintonKd(double temperature = 4.0, TeacherMixture mixture = TeacherMixture.Mean, IReadOnlyList<double>? weights = null,
        int teacherCount = 0, int seed = 0, string key = Names.Kd) : base(key)
    {
        if (!(temperature > 0) || double.IsInfinity(temperature))
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, $"{key}: temperature must be finite and > 0.");
        if (mixture == TeacherMixture.Fixed && weights is null)
            throw new ArgumentException($"{key}: the fixed mixture needs per-teacher weights.", nameof(weights));
        if (weights is not null && mixture is not (TeacherMixture.Fixed or TeacherMixture.Sum))
            throw new ArgumentException($"{key}: per-teacher weights go with the fixed and sum mixtures, not {mixture}.", nameof(weights));
        if (mixture == TeacherMixture.Dirichlet && teacherCount < 1)
            throw new ArgumentOutOfRangeException(nameof(teacherCount), teacherCount, $"{key}: Dirichlet weights need at least one teacher.");
        Temperature = temperature;
        Mixture = mixture;
        Seed = seed;
        this.weights = weights is null ? null : Normalised(weights, key);
        TeacherCount = mixture switch
        {
            TeacherMixture.Single => 1,
            TeacherMixture.Dirichlet => teacherCount,
            _ => this.weights?.Length,
        };
        if (mixture == TeacherMixture.Dirichlet) register_buffer(StepsBuffer, zeros(1, dtype: ScalarType.Int64));
    }

    /// <summary>Chou et al.'s offline KL: one teacher.</summary>
    public static HintonKd OfflineKl(double temperature = 4.0) => new(temperature, TeacherMixture.Single, key: Names.OfflineKl);

    /// <summary>Chou et al.'s offline ensemble of <paramref name="teachers"/> teachers with Dirichlet(1) weights each step.</summary>
    public static HintonKd OfflineEnsemble(int teachers, double temperature = 4.0, int seed = 0) =>
        new(temperature, TeacherMixture.Dirichlet, teacherCount: teachers, seed: seed, key: Names.OfflineEnsemble);

    /// <summary>Wu et al.'s multi-teacher KD: a weighted sum of per-teacher KLs (equal weights when null).</summary>
    public static HintonKd MultiTeacher(double temperature = 4.0, IReadOnlyList<double>? weights = null) =>
        new(temperature, TeacherMixture.Sum, weights, key: Names.MultiTeacher);

    public double Temperature { get; }
    public TeacherMixture Mixture { get; }
    public int Seed { get; }

    /// <summary>The normalised per-teacher weights (fixed and sum mixtures), or null.</summary>
    public IReadOnlyList<double>? Weights => weights;

    /// <summary>The number of teachers the term must be given, or null when any number works.</summary>
    public int? TeacherCount { get; }

    /// <summary>Dirichlet steps computed so far (the checkpointed counter the weights are drawn from); 0 for other mixtures.</summary>
    public long Steps => Counter?.item<long>() ?? 0;

    /// <summary>The teacher weights of the latest <see cref="Compute"/> (empty before the first step).</summary>
    public IReadOnlyList<double> LastWeights => lastWeights;

    Tensor? Counter => Mixture == TeacherMixture.Dirichlet ? named_buffers(recurse: false).Single(b => b.name == StepsBuffer).buffer : null;

    /// <summary>The Dirichlet weights of step <paramref name="step"/> (0-based), a pure function of the seed and the step.</summary>
    public double[] WeightsAt(long step) =>
        Mixture == TeacherMixture.Dirichlet
            ? DirichletWeights.At(Seed, step, TeacherCount!.Value)
            : throw new InvalidOperationException($"{Key}: only the Dirichlet mixture draws weights per step; this one is {Mixture}.");

    public override bool ReadsTeacherLogitsOnly => true;

    public override Tensor Compute(Taps student, IReadOnlyList<Taps> teachers, Tensor labels)
    {
        if (TeacherCount is int expected && teachers.Count != expected)
            throw new ArgumentException($"{Key}: built for {expected} teacher(s), given {teachers.Count}.", nameof(teachers));
        if (teachers.Count == 0)
            throw new ArgumentException($"{Key}: needs at least one teacher's taps, got 0.", nameof(teachers));
        var logStudent = LogSoften(student.Logits);
        Tensor[] logTeachers;
        using (no_grad())
            logTeachers = teachers.Select(t => LogSoften(t.Logits.detach())).ToArray();
        lastWeights = StepWeights(teachers.Count);
        if (Mixture == TeacherMixture.Sum)
        {
            Tensor? total = null;
            for (int k = 0; k < logTeachers.Length; k++)
            {
                var term = Kl(logTeachers[k], logStudent).Times(lastWeights[k]);
                total = total is null ? term : total.Plus(term);
            }
            return total!;
        }
        return Kl(logTeachers.Length == 1 ? logTeachers[0] : Mix(logTeachers, lastWeights), logStudent);
    }

    /// <summary>This step's weights; advances the Dirichlet counter.</summary>
    double[] StepWeights(int k)
    {
        switch (Mixture)
        {
            case TeacherMixture.Dirichlet:
                var counter = Counter!;
                var w = WeightsAt(counter.item<long>());
                using (no_grad()) counter.PlusInPlace(1);
                return w;
            case TeacherMixture.Fixed:
                return weights!;
            case TeacherMixture.Sum:
                return weights ?? Enumerable.Repeat(1.0 / k, k).ToArray();
            default:
                return Enumerable.Repeat(1.0 / k, k).ToArray();
        }
    }

    /// <summary>log softmax(logits / T) over the class dimension of [N, classes] logits.</summary>
    Tensor LogSoften(Tensor logits)
    {
        if (logits.dim() != 2)
            throw new ArgumentException($"{Key}: softened outputs need [N, classes] logits; got [{string.Join(", ", logits.shape)}].");
        return nn.functional.log_softmax(logits.DividedBy(Temperature), dim: 1);
    }

    /// <summary>log sum_k w_k p_k from log p_k [N, C] each, in log space (a zero weight contributes exactly nothing).</summary>
    static Tensor Mix(Tensor[] logProbs, double[] w)
    {
        using var noGrad = no_grad();
        var stacked = stack(logProbs);   // [K, N, C]
        var logW = tensor(w, dtype: stacked.dtype, device: stacked.device).log().view(-1, 1, 1);
        return logsumexp(stacked.Plus(logW), dim: 0);
    }

    /// <summary>T^2 * batchmean KL(q || p_S) from log q (constant) and log p_S; q = 0 entries contribute 0.</summary>
    Tensor Kl(Tensor logTarget, Tensor logStudent)
    {
        if (!logTarget.shape.SequenceEqual(logStudent.shape))
            throw new ArgumentException(
                $"{Key}: KL target is [{string.Join(", ", logTarget.shape)}] but student logits are [{string.Join(", ", logStudent.shape)}].");
        var q = logTarget.exp();
        var pointwise = where(q.Above(0), q * (logTarget - logStudent), zeros_like(logStudent));
        return pointwise.sum().Times(Temperature * Temperature / logStudent.shape[0]);
    }

    static double[] Normalised(IReadOnlyList<double> weights, string key)
    {
        if (weights.Count == 0) throw new ArgumentException($"{key}: an empty list of teacher weights.", nameof(weights));
        for (int k = 0; k < weights.Count; k++)
            if (!(weights[k] >= 0) || double.IsInfinity(weights[k]))
                throw new ArgumentException($"{key}: teacher weight #{k} is {weights[k]}; weights must be finite and >= 0.", nameof(weights));
        double sum = weights.Sum();
        if (sum <= 0) throw new ArgumentException($"{key}: teacher weights are all 0.", nameof(weights));
        return weights.Select(w => w / sum).ToArray();
    }

    /// <summary>Registers the four presets; "offline_ensemble" (Dirichlet) takes K and the seed from the experiment.</summary>
    internal static void RegisterIn()
    {
        Preset(Names.Kd, TeacherMixture.Mean);
        Preset(Names.OfflineKl, TeacherMixture.Single);
        Preset(Names.OfflineEnsemble, TeacherMixture.Dirichlet);
        Preset(Names.MultiTeacher, TeacherMixture.Sum);
    }

    static void Preset(string name, TeacherMixture mixture) => LossRegistry.Register<Parameters>(name, (p, context) =>
    {
        var chosen = p.Mixture ?? mixture;
        if (chosen != TeacherMixture.Dirichlet) return new HintonKd(p.Temperature ?? 4.0, chosen, p.Weights, key: name);
        var ctx = LossRegistry.RequireContext(name, context);
        if (ctx.Teachers.Count == 0) throw new ArgumentException($"Loss term '{name}' needs at least one teacher; the experiment lists none.");
        return new HintonKd(p.Temperature ?? 4.0, chosen, p.Weights, ctx.Teachers.Count, ctx.Seed, name);
    });
}
