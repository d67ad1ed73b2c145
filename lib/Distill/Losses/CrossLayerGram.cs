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

    public override string Key => "cross_layer";
}
