namespace Distill.Losses;

/// <summary>
/// FSP loss of Yim et al., "A Gift from Knowledge Distillation: Fast Optimization, Network Minimization and
/// Transfer Learning" (CVPR 2017): the student learns the teacher's "flow" between adjacent stages,
/// L = sum over pairs (i, i+1) of mean over (n, a, b) of (G_S^{i,i+1}[n, a, b] - G_T^{i,i+1}[n, a, b])^2,
/// with G the <see cref="GramMatrix"/> of the two stage outputs. Student stages whose channel count differs from the
/// teacher's pass through a learned 1x1 <see cref="ChannelAdaptation"/> first.
/// <para>
/// Two-stage KD (FSP, and Chou et al. 2020 after it): stage 1 trains the student on Gram losses only (this term,
/// or <see cref="CrossLayerGram"/>, alone); stage 2 starts from the stage-1 checkpoint and trains on the task loss
/// (plus logit-level KD). Stages are separate experiment configs run by the trainer; this term is one step's loss.
/// </para>
/// </summary>
public sealed class Fsp : GramMatchingTerm
{
    /// <param name="studentChannels">Channels of each student stage, in <see cref="Models.Taps.Stages"/> order.</param>
    /// <param name="teacherChannels">Channels of each teacher stage; same stage count as the student.</param>
    /// <param name="pairs">Stage pairs; default <see cref="LayerPair.Adjacent"/>.</param>
    /// <param name="pooling">How the larger map of a pair is pooled to the smaller's size; default average
    /// (every position counts; the FSP paper max-pooled, which <see cref="GramPooling.Max"/> reproduces).</param>
    /// <param name="reduction">How pairs combine; default the FSP paper's sum.</param>
    public Fsp(
        IReadOnlyList<int> studentChannels,
        IReadOnlyList<int> teacherChannels,
        IReadOnlyList<LayerPair>? pairs = null,
        GramPooling pooling = GramPooling.Average,
        PairReduction reduction = PairReduction.Sum)
        : base(nameof(Fsp), studentChannels, teacherChannels, pairs ?? LayerPair.Adjacent(studentChannels.Count), pooling, reduction)
    {
    }

    public const string Name = "fsp";

    public override string Key => Name;

    /// <summary>Config name "fsp"; parameters "max_pooling", "mean_over_pairs" (0/1 switches).</summary>
    internal static void RegisterIn() => LossRegistry.Register(Name, (spec, context) =>
    {
        LossRegistry.CheckParameters(spec, CommonParameters);
        return FromConfig(spec, context, (s, t, pooling, reduction) => new Fsp(s, t, pooling: pooling, reduction: reduction));
    });
}
