using Distill.Data.Video;
using Distill.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Models;

/// <summary>
/// CoViAR's three-stream network (Wu et al., CVPR 2018) as one model: an I-frame, a motion-vector and a residual
/// <see cref="StreamSlice"/>, fused by a weighted sum of their scores, per segment, then averaged over segments.
/// It is both the fused teacher (built from three trained stream networks) and the multi-teacher paper's student
/// (three ResNet-18 streams trained together on the fused scores). Taps: Logits = fused video scores; "segment_logits"
/// [N, S, classes] fused per segment; "iframe_logits", "mv_logits", "residual_logits" each stream's video scores;
/// Stages = the three streams' stages in stream order.
/// </summary>
public sealed class CoViarNet : DistillModel
{
    readonly ModuleList<StreamSlice> streams;
    readonly double[] weights;
    readonly string[] stageNames;

    /// <summary>Fuses <paramref name="streams"/> (one per stream, any order) with <paramref name="weights"/> (equal when null).</summary>
    public CoViarNet(IReadOnlyList<StreamSlice> streams, IReadOnlyList<double>? weights = null) : base("coviar")
    {
        if (streams.Count == 0 || streams.Select(s => s.Stream).Distinct().Count() != streams.Count)
            throw new ArgumentException($"CoViAR fuses distinct streams; got {string.Join(", ", streams.Select(s => s.Stream))}.");
        if (streams.Any(s => s.NumClasses != streams[0].NumClasses))
            throw new ArgumentException($"Every stream must have the same classes; got {string.Join(", ", streams.Select(s => s.NumClasses))}.");
        this.weights = (weights ?? streams.Select(_ => 1.0).ToArray()).ToArray();
        if (this.weights.Length != streams.Count || this.weights.Any(w => !(w >= 0) || double.IsInfinity(w)) || this.weights.Sum() <= 0)
            throw new ArgumentException($"Fusion needs one finite non-negative weight per stream (not all 0); got [{string.Join(", ", this.weights)}].");
        this.streams = new ModuleList<StreamSlice>(streams.ToArray());
        stageNames = streams.SelectMany(s => s.StageNames.Select(n => $"{StreamLayout.Key(s.Stream)}.{n}")).ToArray();
        RegisterComponents();
    }

    /// <summary>The fusion weights, in stream order.</summary>
    public IReadOnlyList<double> Weights => weights;

    public IReadOnlyList<StreamSlice> Streams => streams.ToArray();

    public override IReadOnlyList<string> StageNames => stageNames;

    public override int NumClasses => streams[0].NumClasses;

    public override Taps forward(Tensor x)
    {
        StreamSlice.Check(x);
        var named = new Dictionary<string, Tensor>();
        var stages = new List<Tensor>();
        Tensor? fused = null;
        for (int i = 0; i < streams.Count; i++)
        {
            var taps = streams[i].call(x);
            named[$"{StreamLayout.Key(streams[i].Stream)}_logits"] = taps.Logits;
            stages.AddRange(taps.Stages);
            var weighted = taps[StreamSlice.SegmentLogits].Times(weights[i]);
            fused = fused is null ? weighted : fused.Plus(weighted);
        }
        named[StreamSlice.SegmentLogits] = fused!;
        return new Taps(fused!.mean([1]), stages, named);
    }
}
