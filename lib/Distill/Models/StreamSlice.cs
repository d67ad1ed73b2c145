using Distill.Data.Video;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Models;

/// <summary>
/// One CoViAR stream network (Wu et al., "Compressed Video Action Recognition", CVPR 2018) on the packed video input of
/// <see cref="StreamLayout"/>: it takes [N, S * 8, H, W], runs its zoo network on its own stream's channels of every
/// segment ([N * S, 3 or 2, H, W]) and averages the segment scores (TSN's consensus). Taps: Logits = the video's
/// averaged scores [N, classes]; "segment_logits" = [N, S, classes]; Stages and the network's other taps per segment.
/// CoViAR's teachers are StreamSlice(resnet152, I-frame), StreamSlice(resnet18, motion vectors) and
/// StreamSlice(resnet18, residual).
/// </summary>
public sealed class StreamSlice : DistillModel
{
    public const string SegmentLogits = "segment_logits";

    readonly DistillModel network;

    public StreamSlice(CompressedStream stream, DistillModel network) : base($"{StreamLayout.Key(stream)}-{network.GetName()}")
    {
        Stream = stream;
        this.network = network;
        RegisterComponents();
    }

    public CompressedStream Stream { get; }

    public override IReadOnlyList<string> StageNames => network.StageNames;

    public override int NumClasses => network.NumClasses;

    public override Taps forward(Tensor x)
    {
        var (n, segments, h, w) = Check(x);
        var (offset, count) = StreamLayout.Slice(Stream);
        var input = x.view(n, segments, StreamLayout.Channels, h, w).narrow(2, offset, count).reshape(n * segments, count, h, w);
        var taps = network.call(input);
        var perSegment = taps.Logits.view(n, segments, -1);
        var named = new Dictionary<string, Tensor>(taps.Named) { [SegmentLogits] = perSegment };
        return new Taps(perSegment.mean([1]), taps.Stages, named);
    }

    /// <summary>Batch, segments, height and width of a packed input; errors say what shape was expected.</summary>
    internal static (long N, long Segments, long H, long W) Check(Tensor x)
    {
        if (x.dim() != 4 || x.shape[1] % StreamLayout.Channels != 0 || x.shape[1] == 0)
            throw new ArgumentException(
                $"A CoViAR stream network expects [N, segments x {StreamLayout.Channels}, H, W] input, got [{string.Join(", ", x.shape)}].");
        return (x.shape[0], x.shape[1] / StreamLayout.Channels, x.shape[2], x.shape[3]);
    }
}
