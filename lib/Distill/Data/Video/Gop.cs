namespace Distill.Data.Video;

/// <summary>The three compressed-domain streams CoViAR trains a network on.</summary>
public enum CompressedStream { IFrame, MotionVector, Residual }

/// <summary>
/// One P-frame's compressed-domain representation at frame resolution: its motion-vector field (H x W x 2, see
/// <see cref="MotionField"/> for the sign), its residual against the motion-compensated previous frame (H x W x 3),
/// and, when requested, CoViAR's accumulated variants traced back to the GOP's I-frame.
/// </summary>
public sealed record PFrame(int FrameIndex, int GopPosition, short[] MotionVectors, short[] Residual,
                            short[]? AccumulatedMotionVectors, short[]? AccumulatedResidual);

/// <summary>A group of pictures: the decoded I-frame (RGB, H x W x 3) and its P-frames in order.</summary>
public sealed record Gop(int Index, int FirstFrame, int Width, int Height, byte[] IFrame, IReadOnlyList<PFrame> PFrames)
{
    /// <summary>Frames in the GOP, I-frame included.</summary>
    public int Length => 1 + PFrames.Count;
}

/// <summary>
/// A video's GOP layout, found by decoding it once: frame count, the first frame of every GOP, and how many frames the
/// decoder flagged, concealed or dropped (<see cref="CompressedVideoReader.DamagedFrames"/>).
/// </summary>
public sealed record VideoIndex(string Path, string Codec, int Width, int Height, int FrameCount, IReadOnlyList<int> GopStarts,
                                long DamagedFrames = 0)
{
    /// <summary>"3 of 48 frames damaged (...)": the reason a damaged video is skipped or refused.</summary>
    public string DamageText => DescribeDamage(DamagedFrames, FrameCount);

    public static string DescribeDamage(long damaged, long frames) =>
        $"{damaged} of {frames} frames damaged (corrupt or concealed by the decoder, or packets lost, extra or undecodable)";

    /// <summary>Number of frames in GOP <paramref name="gop"/>.</summary>
    public int GopLength(int gop) => (gop + 1 < GopStarts.Count ? GopStarts[gop + 1] : FrameCount) - GopStarts[gop];
}
