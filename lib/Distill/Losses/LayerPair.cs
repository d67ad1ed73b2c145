namespace Distill.Losses;

/// <summary>
/// A pair of tapped stages (indices into <see cref="Models.Taps.Stages"/>) whose Gram matrix is matched between
/// student and teacher. FSP (Yim et al., CVPR 2017) uses adjacent stages; the cross-layer matrices of
/// Chou et al. ("Deep Neural Network Compression with Knowledge Distillation Using Cross-Layer Matrix,
/// KL Divergence and Offline Ensemble", APSIPA 2020) add non-adjacent ones.
/// </summary>
/// <param name="First">The earlier stage; its channels index the Gram matrix's rows.</param>
/// <param name="Second">The later stage; its channels index the Gram matrix's columns.</param>
public readonly record struct LayerPair(int First, int Second)
{
    /// <summary>(0,1), (1,2), ..., (n-2, n-1): the FSP pairs.</summary>
    public static IReadOnlyList<LayerPair> Adjacent(int stageCount) =>
        Enumerable.Range(0, Math.Max(0, stageCount - 1)).Select(i => new LayerPair(i, i + 1)).ToArray();

    /// <summary>Every (i, j) with i &lt; j, ordered by i then j: adjacent and non-adjacent cross-layer pairs.</summary>
    public static IReadOnlyList<LayerPair> AllPairs(int stageCount) =>
        (from i in Enumerable.Range(0, stageCount)
         from j in Enumerable.Range(i + 1, Math.Max(0, stageCount - i - 1))
         select new LayerPair(i, j)).ToArray();

    /// <summary>Checks a pair list against a stage count; throws naming the offending pair.</summary>
    public static void Validate(IReadOnlyList<LayerPair> pairs, int stageCount, string owner)
    {
        if (pairs.Count == 0)
            throw new ArgumentException($"{owner}: no layer pairs given (the networks have {stageCount} stages).", nameof(pairs));
        var seen = new HashSet<LayerPair>();
        for (int k = 0; k < pairs.Count; k++)
        {
            var p = pairs[k];
            if (p.First < 0 || p.Second >= stageCount || p.First >= p.Second)
                throw new ArgumentException(
                    $"{owner}: layer pair #{k} {p} is invalid; need 0 <= first < second < {stageCount} (stage count).", nameof(pairs));
            if (!seen.Add(p))
                throw new ArgumentException($"{owner}: layer pair #{k} {p} is listed twice.", nameof(pairs));
        }
    }

    public override string ToString() => $"({First},{Second})";
}
