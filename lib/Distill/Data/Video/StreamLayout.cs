namespace Distill.Data.Video;

/// <summary>
/// How a video batch packs the three CoViAR streams into one input tensor, so that the existing distiller and trainer
/// move them as ordinary images: per segment, channels 0-2 the I-frame, 3-4 the motion vectors (x, y), 5-7 the
/// residual; a video of S segments is [S * 8, H, W] (segment-major), a batch [N, S * 8, H, W].
/// </summary>
public static class StreamLayout
{
    /// <summary>Channels of one segment: 3 + 2 + 3.</summary>
    public const int Channels = 8;

    /// <summary>The streams in channel order.</summary>
    public static readonly IReadOnlyList<CompressedStream> Streams = [CompressedStream.IFrame, CompressedStream.MotionVector, CompressedStream.Residual];

    /// <summary>First channel and channel count of <paramref name="stream"/> within a segment.</summary>
    public static (int Offset, int Count) Slice(CompressedStream stream) => stream switch
    {
        CompressedStream.IFrame => (0, 3),
        CompressedStream.MotionVector => (3, 2),
        _ => (5, 3),
    };

    /// <summary>Short name used in model names and tables: "iframe", "mv", "residual".</summary>
    public static string Key(CompressedStream stream) => stream switch
    {
        CompressedStream.IFrame => "iframe",
        CompressedStream.MotionVector => "mv",
        _ => "residual",
    };
}
