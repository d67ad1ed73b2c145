using static TorchSharp.torch;

namespace Distill.Data.Video;

/// <summary>
/// Loads the sampled frames of one compressed stream as a float tensor [T, C, H, W] in raw units: I-frames RGB
/// 0..255 (C = 3), motion vectors in pixels with CoViAR's sign (C = 2: x, y), residuals -255..255 (C = 3).
/// The video is decoded once; only the GOPs holding sampled frames get pixel work.
/// </summary>
public static class CompressedClip
{
    public static Tensor Load(VideoIndex index, IReadOnlyList<int> frames, CompressedStream stream, bool accumulate)
    {
        var wanted = frames.Select(f => SegmentSampler.Locate(index, f, stream)).ToArray();
        var gopsNeeded = wanted.Select(w => w.Gop).ToHashSet();
        var gops = GopReader.Read(index.Path, accumulate && stream != CompressedStream.IFrame, gopsNeeded.Contains)
            .ToDictionary(g => g.Index);
        int h = index.Height, w = index.Width;
        var planes = new List<Tensor>(wanted.Length);
        using var scope = NewDisposeScope();
        foreach (var (gopIndex, position) in wanted)
        {
            if (!gops.TryGetValue(gopIndex, out var gop) || position > gop.PFrames.Count)
                throw new VideoDecodeException(index.Path, $"GOP {gopIndex} position {position} is missing; the file changed since it was indexed");
            planes.Add(stream switch
            {
                CompressedStream.IFrame => Chw(tensor(gop.IFrame, [h, w, 3])),
                CompressedStream.MotionVector => Chw(tensor(Pick(gop, position, accumulate, p => p.MotionVectors, p => p.AccumulatedMotionVectors), [h, w, 2])),
                _ => Chw(tensor(Pick(gop, position, accumulate, p => p.Residual, p => p.AccumulatedResidual), [h, w, 3])),
            });
        }
        return stack(planes).MoveToOuterDisposeScope();
    }

    static Tensor Chw(Tensor hwc) => hwc.permute(2, 0, 1).to(ScalarType.Float32);

    static short[] Pick(Gop gop, int position, bool accumulate, Func<PFrame, short[]> plain, Func<PFrame, short[]?> accumulated)
    {
        var p = gop.PFrames[position - 1];
        return accumulate ? accumulated(p) ?? throw new InvalidOperationException("accumulated stream was not computed") : plain(p);
    }
}
