namespace Distill.Losses;

/// <summary>How <see cref="HintonKd"/> turns K teachers' softened outputs p_k = softmax(z_k / T) into what the student matches.</summary>
public enum TeacherMixture
{
    /// <summary>Exactly one teacher: L = T^2 KL(p_1 || p_S) (Chou et al.'s offline KL).</summary>
    Single,

    /// <summary>The mean of the teachers' probabilities: q = (1/K) sum_k p_k (Hinton et al.'s averaged soft targets; one teacher: p_1).</summary>
    Mean,

    /// <summary>Given weights, the same every step: q = sum_k w_k p_k.</summary>
    Fixed,

    /// <summary>
    /// Fresh weights every step drawn from the flat Dirichlet(1, ..., 1) (uniform on the simplex), q = sum_k w_k p_k
    /// (Chou et al.'s offline ensemble). The weights of step t are a pure function of (seed, t), see <see cref="DirichletWeights"/>.
    /// </summary>
    Dirichlet,

    /// <summary>
    /// A weighted sum of per-teacher divergences, L = T^2 sum_k w_k KL(p_k || p_S) (Wu et al.'s multi-teacher KD). Its
    /// gradient equals that of <see cref="Fixed"/> with the same weights, T (p_S - sum_k w_k p_k) / N; its value differs
    /// by the teachers' entropy terms, and per-teacher divergences are what one wants to log.
    /// </summary>
    Sum,
}

/// <summary>
/// Dirichlet(1, ..., 1) weights as normalised exponentials: e_k = -ln(u_k), w_k = e_k / sum e, with u_k in (0, 1] a
/// SplitMix64 hash of (seed, step, k). A pure function of its arguments, so a run resumed at step t draws exactly the
/// weights the uninterrupted run drew.
/// </summary>
public static class DirichletWeights
{
    /// <summary>The K = <paramref name="count"/> weights of step <paramref name="step"/> (0-based).</summary>
    public static double[] At(int seed, long step, int count)
    {
        var e = new double[count];
        for (int k = 0; k < e.Length; k++) e[k] = -Math.Log(Uniform(seed, step, k));
        double sum = e.Sum();
        // sum is 0 only if every draw hit u = 1 exactly; fall back to the mean then.
        return sum > 0 ? e.Select(x => x / sum).ToArray() : Enumerable.Repeat(1.0 / count, count).ToArray();
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
}
