namespace Distill.Data.Video;

/// <summary>
/// TSN-style segment sampling as CoViAR uses it (Wang et al. 2016; Wu et al. 2018): the video is split into equal
/// segments; training takes one random frame per segment (3 segments in CoViAR), testing the centre frame of each
/// (25 segments). Motion-vector and residual streams skip the first frame, which is an I-frame and has neither.
/// </summary>
public static class SegmentSampler
{
    /// <summary>CoViAR's training segments.</summary>
    public const int TrainSegments = 3;

    /// <summary>CoViAR's test segments.</summary>
    public const int TestSegments = 25;

    /// <summary>One uniformly random frame from each of <paramref name="segments"/> equal segments.</summary>
    public static int[] Train(int frameCount, int segments, CompressedStream stream, Random rng)
    {
        Validate(frameCount, segments, stream);
        bool motion = stream != CompressedStream.IFrame;
        int n = motion ? frameCount - 1 : frameCount;
        double size = (n - 1) / (double)segments;
        var frames = new int[segments];
        for (int s = 0; s < segments; s++)
        {
            int begin = (int)Math.Round(size * s), end = (int)Math.Round(size * (s + 1));
            if (end == begin) end = begin + 1;
            frames[s] = rng.Next(begin, end) + (motion ? 1 : 0);
        }
        return frames;
    }

    /// <summary>The centre frame of each of <paramref name="segments"/> equal segments.</summary>
    public static int[] Test(int frameCount, int segments, CompressedStream stream)
    {
        Validate(frameCount, segments, stream);
        bool motion = stream != CompressedStream.IFrame;
        int n = motion ? frameCount - 1 : frameCount;
        double size = (n - 1) / (double)segments;
        return Enumerable.Range(0, segments).Select(s => (int)Math.Round(size * (s + 0.5)) + (motion ? 1 : 0)).ToArray();
    }

    /// <summary>
    /// The (GOP, position) a sampled frame is read from. The I-frame stream uses the GOP's I-frame; the motion streams
    /// use the frame itself, except that an I-frame is replaced by the last P-frame of the previous GOP (CoViAR).
    /// </summary>
    public static (int Gop, int Position) Locate(VideoIndex index, int frame, CompressedStream stream)
    {
        if (frame < 0 || frame >= index.FrameCount)
            throw new ArgumentOutOfRangeException(nameof(frame), $"{index.Path}: frame {frame} is outside 0..{index.FrameCount - 1}");
        int gop = 0;
        while (gop + 1 < index.GopStarts.Count && index.GopStarts[gop + 1] <= frame) gop++;
        int position = frame - index.GopStarts[gop];
        if (stream == CompressedStream.IFrame) return (gop, 0);
        if (position > 0) return (gop, position);
        for (int g = gop - 1; g >= 0; g--)
            if (index.GopLength(g) > 1) return (g, index.GopLength(g) - 1);
        throw new ArgumentException($"{index.Path}: frame {frame} is an I-frame with no earlier P-frame to stand in for it");
    }

    static void Validate(int frameCount, int segments, CompressedStream stream)
    {
        if (segments < 1) throw new ArgumentOutOfRangeException(nameof(segments), "at least one segment");
        int minimum = stream == CompressedStream.IFrame ? 1 : 2;
        if (frameCount < minimum)
            throw new ArgumentOutOfRangeException(nameof(frameCount), $"{frameCount} frames; the {stream} stream needs at least {minimum}");
    }
}
