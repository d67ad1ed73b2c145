using static TorchSharp.torch;

namespace Distill.Data.Video;

/// <summary>
/// The three CoViAR streams (Wu et al. 2018) of a video's sampled segments, read in one decoding pass: for every sampled
/// frame its GOP's I-frame [S, 3, H, W] (RGB 0..255), its motion vectors [S, 2, H, W] (pixels) and its residual
/// [S, 3, H, W] (-255..255), accumulated back to the I-frame when requested (CoViAR's representation). Sampled frames
/// follow <see cref="SegmentSampler"/>: motion streams never sample frame 0, an I-frame position stands in with the
/// previous GOP's last P-frame, and the I-frame stream reads the sampled frame's own GOP.
/// </summary>
public sealed record SegmentStreams(Tensor IFrame, Tensor MotionVectors, Tensor Residual) : IDisposable
{
    /// <summary>Reads <paramref name="frames"/> (one per segment) of the indexed video.</summary>
    public static SegmentStreams Load(VideoIndex index, IReadOnlyList<int> frames, bool accumulate)
    {
        var iWanted = frames.Select(f => SegmentSampler.Locate(index, f, CompressedStream.IFrame)).ToArray();
        var pWanted = frames.Select(f => SegmentSampler.Locate(index, f, CompressedStream.MotionVector)).ToArray();
        var sampled = iWanted.Concat(pWanted).ToHashSet();
        int h = index.Height, w = index.Width;
        var iPlanes = new Tensor?[frames.Count];
        var mvPlanes = new Tensor?[frames.Count];
        var resPlanes = new Tensor?[frames.Count];
        using var scope = NewDisposeScope();
        foreach (var f in CompressedFrames.Read(index.Path, sampled, accumulate))
        {
            var key = (f.Gop, f.GopPosition);
            Tensor? iFrame = null, mv = null, res = null;
            for (int s = 0; s < frames.Count; s++)
            {
                if (iWanted[s] == key) iPlanes[s] = iFrame ??= Chw(tensor(f.IFrame, [h, w, 3]));
                if (pWanted[s] != key) continue;
                mvPlanes[s] = mv ??= Chw(tensor(accumulate ? f.AccumulatedMotionVectors! : f.MotionVectors, [h, w, 2]));
                resPlanes[s] = res ??= Chw(tensor(accumulate ? f.AccumulatedResidual! : f.Residual, [h, w, 3]));
            }
        }
        for (int s = 0; s < frames.Count; s++)
            if (iPlanes[s] is null || mvPlanes[s] is null || resPlanes[s] is null)
                throw new VideoDecodeException(index.Path, $"sampled frame {frames[s]} was not decoded; the file changed since it was indexed");
        var result = new SegmentStreams(stack(iPlanes!), stack(mvPlanes!), stack(resPlanes!));
        scope.MoveToOuter(result.IFrame, result.MotionVectors, result.Residual);
        return result;
    }

    /// <summary>The stream's tensor.</summary>
    public Tensor this[CompressedStream stream] => stream switch
    {
        CompressedStream.IFrame => IFrame,
        CompressedStream.MotionVector => MotionVectors,
        _ => Residual,
    };

    static Tensor Chw(Tensor hwc) => hwc.permute(2, 0, 1).to(ScalarType.Float32);

    public void Dispose()
    {
        IFrame.Dispose();
        MotionVectors.Dispose();
        Residual.Dispose();
    }
}
