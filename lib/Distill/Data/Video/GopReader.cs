namespace Distill.Data.Video;

/// <summary>
/// Reads a video as CoViAR's GOPs: every I-frame starts a GOP; each following P-frame yields its motion-vector
/// field and residual (and optionally the accumulated variants), which <see cref="CompressedFrames"/> writes straight
/// into new arrays per frame so the GOPs can be kept without copying. Only GOPs the caller wants get the RGB conversion and per-pixel work; the others are decoded and
/// skipped. B-frames are rejected: CoViAR's representation assumes P-frames only (encode with -bf 0).
/// </summary>
public static class GopReader
{
    /// <summary>The GOPs of <paramref name="path"/> whose index <paramref name="wanted"/> accepts (all when null).</summary>
    public static IEnumerable<Gop> Read(string path, bool accumulate = false, Func<int, bool>? wanted = null, int threads = 1)
    {
        int gop = -1, firstFrame = 0, width = 0, height = 0;
        byte[]? iFrame = null;
        var pFrames = new List<PFrame>();
        foreach (var f in CompressedFrames.ReadKept(path, accumulate, wanted, threads))
        {
            if (f.GopPosition == 0)
            {
                if (iFrame is not null) yield return new Gop(gop, firstFrame, width, height, iFrame, pFrames);
                (gop, firstFrame, width, height, iFrame, pFrames) = (f.Gop, f.FrameIndex, f.Width, f.Height, f.IFrame, []);
                continue;
            }
            pFrames.Add(new PFrame(f.FrameIndex, f.GopPosition, f.MotionVectors, f.Residual, f.AccumulatedMotionVectors, f.AccumulatedResidual));
        }
        if (iFrame is not null) yield return new Gop(gop, firstFrame, width, height, iFrame, pFrames);
    }

    /// <summary>
    /// Decodes <paramref name="path"/> once (no pixel work) to find its frame count, GOP starts and damaged frames; the
    /// caller judges the damage (<see cref="DamagedVideoPolicy"/>).
    /// </summary>
    public static VideoIndex Index(string path, int threads = 1)
    {
        using var reader = new CompressedVideoReader(path, threads);
        var starts = new List<int>();
        int frames = 0, width = 0, height = 0;
        while (reader.Next())
        {
            var info = reader.Current;
            if (info.Type == PictureType.I) starts.Add(info.Index);
            else if (info.Type != PictureType.P)
                throw new VideoDecodeException(path, $"frame {info.Index} is a {info.Type}-frame; only I- and P-frames are supported (encode with -bf 0)");
            else if (starts.Count == 0) throw new VideoDecodeException(path, $"frame {info.Index} is a P-frame before any I-frame");
            if (frames == 0) (width, height) = (info.Width, info.Height);
            else if (info.Width != width || info.Height != height)
                throw new VideoDecodeException(path, $"frame {info.Index} is {info.Width}x{info.Height}, the video started at {width}x{height}");
            frames++;
        }
        if (frames == 0) throw new VideoDecodeException(path, "no frames decoded");
        return new VideoIndex(path, reader.Codec, width, height, frames, starts, reader.DamagedFrames);
    }
}
