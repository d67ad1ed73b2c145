using static TorchSharp.torch;

namespace Distill.Data.Video;

/// <summary>
/// Loads the sampled frames of one compressed stream as a float tensor [T, C, H, W] in raw units: I-frames RGB
/// 0..255 (C = 3), motion vectors in pixels with CoViAR's sign (C = 2: x, y), residuals -255..255 (C = 3).
/// The video is decoded once; only the sampled frames and the references leading to them get pixel work.
/// </summary>
public static class CompressedClip
{
    public static Tensor Load(VideoIndex index, IReadOnlyList<int> frames, CompressedStream stream, bool accumulate)
    {
        var wanted = frames.Select(f => SegmentSampler.Locate(index, f, stream)).ToArray();
        var slots = wanted.Select((w, slot) => (w, slot)).ToLookup(x => x.w, x => x.slot);
        int h = index.Height, w = index.Width;
        var planes = new Tensor?[wanted.Length];
        using var scope = NewDisposeScope();
        foreach (var f in CompressedFrames.Read(index.Path, wanted.ToHashSet(), accumulate && stream != CompressedStream.IFrame))
        {
            var key = (f.Gop, f.GopPosition);
            var plane = stream switch
            {
                CompressedStream.IFrame => Chw(tensor(f.IFrame, [h, w, 3])),
                CompressedStream.MotionVector => Chw(tensor(accumulate ? f.AccumulatedMotionVectors! : f.MotionVectors, [h, w, 2])),
                _ => Chw(tensor(accumulate ? f.AccumulatedResidual! : f.Residual, [h, w, 3])),
            };
            foreach (var slot in slots[key]) planes[slot] = plane;
        }
        for (int i = 0; i < planes.Length; i++)
            if (planes[i] is null)
                throw new VideoDecodeException(index.Path, $"GOP {wanted[i].Gop} position {wanted[i].Position} is missing; the file changed since it was indexed");
        return stack(planes!).MoveToOuterDisposeScope();
    }

    static Tensor Chw(Tensor hwc) => hwc.permute(2, 0, 1).to(ScalarType.Float32);
}
