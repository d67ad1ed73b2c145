namespace Distill.Losses;

/// <summary>
/// Cross-layer matrices of Chou et al., "Deep Neural Network Compression with Knowledge Distillation Using
/// Cross-Layer Matrix, KL Divergence and Offline Ensemble" (APSIPA ASC 2020): FSP's Gram matrices extended from
/// adjacent stages to any pair of tapped stages, so the student also learns how early features relate to late ones.
/// L = sum over pairs (i, j), i &lt; j, of mean over (n, a, b) of (G_S^{i,j}[n, a, b] - G_T^{i,j}[n, a, b])^2, with
/// G the <see cref="GramMatrix"/> (larger map pooled to the smaller's size) and student stages passed through a
/// learned 1x1 <see cref="ChannelAdaptation"/> where channel counts differ.
/// <para>
/// Two-stage KD: stage 1 trains the student on Gram losses only (this term alone, or with <see cref="Fsp"/>);
/// stage 2 starts from the stage-1 checkpoint and trains on the task loss plus <see cref="OfflineKl"/> or
/// <see cref="OfflineEnsemble"/>. Stages are separate experiment configs run by the trainer.
/// </para>
/// </summary>
public sealed class CrossLayerGram : GramMatchingTerm
{
    /// <param name="studentChannels">Channels of each student stage, in <see cref="Models.Taps.Stages"/> order.</param>
    /// <param name="teacherChannels">Channels of each teacher stage; same stage count as the student.</param>
    /// <param name="pairs">Stage pairs; default <see cref="LayerPair.AllPairs"/> (every i &lt; j).</param>
    /// <param name="pooling">How the larger map of a pair is pooled to the smaller's size; default average.</param>
    /// <param name="reduction">How pairs combine; default sum, as FSP.</param>
    public CrossLayerGram(
        IReadOnlyList<int> studentChannels,
        IReadOnlyList<int> teacherChannels,
        IReadOnlyList<LayerPair>? pairs = null,
        GramPooling pooling = GramPooling.Average,
        PairReduction reduction = PairReduction.Sum)
        : base(nameof(CrossLayerGram), studentChannels, teacherChannels, pairs ?? LayerPair.AllPairs(studentChannels.Count), pooling, reduction)
    {
    }

    public const string Name = "cross_layer";

    public override string Key => Name;

    /// <summary>
    /// The pairs (i, j) with j - i &gt;= <paramref name="minGap"/>: 1 gives every pair, 2 only the non-adjacent ones
    /// (the cross-layer matrices without FSP's).
    /// </summary>
    public static IReadOnlyList<LayerPair> PairsWithGap(int stageCount, int minGap) =>
        LayerPair.AllPairs(stageCount).Where(p => p.Second - p.First >= minGap).ToArray();

    /// <summary>
    /// Config name "cross_layer"; parameters "min_gap" (default 1: every pair i &lt; j; 2: non-adjacent pairs only),
    /// "max_pooling", "mean_over_pairs" (0/1 switches).
    /// </summary>
    internal static void RegisterIn() => LossRegistry.Register(Name, (spec, context) =>
    {
        LossRegistry.CheckParameters(spec, [.. CommonParameters, "min_gap"]);
        double gap = spec.Get("min_gap", 1);
        if (gap < 1 || gap != Math.Floor(gap))
            throw new ArgumentException($"Loss term '{Name}': min_gap must be a whole number >= 1, got {gap}.");
        return FromConfig(spec, context, (s, t, pooling, reduction) =>
            new CrossLayerGram(s, t, PairsWithGap(s.Count, (int)gap), pooling, reduction));
    });
}
