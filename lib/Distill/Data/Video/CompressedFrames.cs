namespace Distill.Data.Video;

/// <summary>
/// One decoded frame's compressed-domain streams (CoViAR, Wu et al. CVPR 2018) in buffers the reader reuses: they
/// are valid until the enumeration moves on, so copy what you keep. For an I-frame (GopPosition 0) only
/// <see cref="IFrame"/> and <see cref="Decoded"/> hold data; the P-frame streams are meaningful for GopPosition &gt; 0.
/// </summary>
public sealed class CompressedFrame
{
    internal CompressedFrame(int width, int height, bool accumulate)
    {
        (Width, Height) = (width, height);
        int pixels = checked(width * height);
        IFrame = GC.AllocateUninitializedArray<byte>(pixels * 3);
        Decoded = GC.AllocateUninitializedArray<byte>(pixels * 3);
        MotionVectors = GC.AllocateUninitializedArray<short>(pixels * 2);
        Residual = GC.AllocateUninitializedArray<short>(pixels * 3);
        if (!accumulate) return;
        AccumulatedMotionVectors = new short[pixels * 2];
        AccumulatedResidual = GC.AllocateUninitializedArray<short>(pixels * 3);
    }

    public int FrameIndex { get; internal set; }
    public int Gop { get; internal set; }
    public int GopPosition { get; internal set; }
    public int Width { get; }
    public int Height { get; }

    /// <summary>The GOP's I-frame, RGB24, H x W x 3.</summary>
    public byte[] IFrame { get; internal set; }

    /// <summary>This frame's decoded pixels, RGB24, H x W x 3.</summary>
    public byte[] Decoded { get; internal set; }

    /// <summary>Motion-vector field, H x W x 2, dst - src in pixels (see <see cref="MotionField"/>).</summary>
    public short[] MotionVectors { get; internal set; }

    /// <summary>Decoded frame minus its motion-compensated prediction from the previous frame, H x W x 3.</summary>
    public short[] Residual { get; internal set; }

    /// <summary>CoViAR's accumulated field, traced back to the GOP's I-frame (when requested).</summary>
    public short[]? AccumulatedMotionVectors { get; internal set; }

    /// <summary>Decoded frame minus its prediction from the I-frame through the accumulated field (when requested).</summary>
    public short[]? AccumulatedResidual { get; internal set; }
}

/// <summary>
/// Streams a video's frames with their CoViAR inputs computed on the way, without allocating per frame: the fast
/// path for training loaders and the throughput benchmark. GOPs that <c>wantedGop</c> rejects are decoded without any
/// pixel work and not yielded. B-frames are rejected (CoViAR's representation assumes P-frames only: -bf 0).
/// </summary>
public static class CompressedFrames
{
    /// <summary>Every frame of the GOPs <paramref name="wantedGop"/> accepts (all when null), with all its streams.</summary>
    public static IEnumerable<CompressedFrame> Read(string path, bool accumulate = false, Func<int, bool>? wantedGop = null, int threads = 1) =>
        Read(path, accumulate, wantedGop, frames: null, threads);

    /// <summary>
    /// As <see cref="Read(string, bool, Func{int, bool}?, int)"/>, but every I-frame and every P-frame's streams are
    /// written into newly allocated arrays that the reader never touches again, so the caller may keep them without
    /// copying (<see cref="GopReader"/>). Only <see cref="CompressedFrame.Decoded"/> is still reused.
    /// </summary>
    internal static IEnumerable<CompressedFrame> ReadKept(string path, bool accumulate, Func<int, bool>? wantedGop, int threads) =>
        Read(path, accumulate, wantedGop, frames: null, threads, keep: true);

    /// <summary>
    /// Only the sampled <paramref name="frames"/> (GOP, position in the GOP), as segment sampling asks for them. A GOP
    /// is decoded without pixel work unless it holds a sampled frame; inside it, frames before the last sampled one
    /// that are not sampled themselves only become the next frame's RGB reference (and, when accumulating, extend the
    /// accumulated field) and are not yielded; frames after it get no pixel work.
    /// </summary>
    public static IEnumerable<CompressedFrame> Read(string path, IReadOnlySet<(int Gop, int Position)> frames, bool accumulate = false, int threads = 1)
    {
        var last = frames.GroupBy(f => f.Gop).ToDictionary(g => g.Key, g => g.Max(f => f.Position));
        return Read(path, accumulate, last.ContainsKey, frames, threads, last);
    }

    static IEnumerable<CompressedFrame> Read(string path, bool accumulate, Func<int, bool>? wantedGop, IReadOnlySet<(int Gop, int Position)>? frames,
                                             int threads, IReadOnlyDictionary<int, int>? lastPosition = null, bool keep = false)
    {
        using var reader = new CompressedVideoReader(path, threads);
        CompressedFrame? frame = null;
        byte[]? spare = null;
        short[]? spareAccumulated = null;
        int gop = -1;
        bool wanted = false;
        while (reader.Next())
        {
            var info = reader.Current;
            if (info.Type is not (PictureType.I or PictureType.P))
                throw new VideoDecodeException(path, $"frame {info.Index} is a {info.Type}-frame; only I- and P-frames are supported (encode with -bf 0)");
            if (info.Type == PictureType.I) { gop++; wanted = wantedGop is null || wantedGop(gop); }
            else if (gop < 0) throw new VideoDecodeException(path, $"frame {info.Index} is a P-frame before any I-frame");
            if (!wanted) continue;

            if (frame is null || frame.Width != info.Width || frame.Height != info.Height)
            {
                if (info.Type == PictureType.P)
                    throw new VideoDecodeException(path, $"frame {info.Index} is {info.Width}x{info.Height}, its GOP started at {frame?.Width}x{frame?.Height}");
                frame = new CompressedFrame(info.Width, info.Height, accumulate);
                spare = GC.AllocateUninitializedArray<byte>(frame.Decoded.Length);
                spareAccumulated = accumulate ? GC.AllocateUninitializedArray<short>(frame.MotionVectors.Length) : null;
            }
            frame.FrameIndex = info.Index;
            frame.Gop = gop;
            if (info.Type == PictureType.I)
            {
                frame.GopPosition = 0;
                if (keep) frame.IFrame = GC.AllocateUninitializedArray<byte>(frame.IFrame.Length);
                reader.ReadRgb(frame.IFrame);
                frame.IFrame.CopyTo(frame.Decoded, 0);
                // A kept accumulated field belongs to the caller now: start the GOP from a new zero one instead of clearing it.
                if (accumulate && keep) frame.AccumulatedMotionVectors = new short[frame.MotionVectors.Length];
                else if (accumulate) Array.Clear(frame.AccumulatedMotionVectors!);
                if (frames is not null && !frames.Contains((gop, 0))) continue;
            }
            else
            {
                frame.GopPosition++;
                if (lastPosition is not null && frame.GopPosition > lastPosition[gop]) continue;
                bool sampled = frames is null || frames.Contains((gop, frame.GopPosition));
                // The previous frame's pixels become the reference; two buffers take turns.
                var reference = frame.Decoded;
                frame.Decoded = spare!;
                spare = reference;
                if (!sampled && !accumulate)
                {
                    reader.ReadRgb(frame.Decoded);
                    continue;
                }
                if (keep)
                {
                    frame.MotionVectors = GC.AllocateUninitializedArray<short>(frame.MotionVectors.Length);
                    frame.Residual = GC.AllocateUninitializedArray<short>(frame.Residual.Length);
                    if (accumulate)
                    {
                        spareAccumulated = GC.AllocateUninitializedArray<short>(frame.MotionVectors.Length);
                        frame.AccumulatedResidual = GC.AllocateUninitializedArray<short>(frame.Residual.Length);
                    }
                }
                reader.ReadPStreams(reference, frame.Decoded, frame.MotionVectors, frame.Residual);
                if (accumulate)
                {
                    var previous = frame.AccumulatedMotionVectors!;
                    MotionField.Accumulate(previous, frame.MotionVectors, info.Width, info.Height, spareAccumulated!);
                    frame.AccumulatedMotionVectors = spareAccumulated;
                    spareAccumulated = previous;
                    if (sampled)
                        MotionField.PredictResidual(frame.IFrame, frame.AccumulatedMotionVectors!, frame.Decoded, info.Width, info.Height, frame.AccumulatedResidual!);
                }
                if (!sampled) continue;
            }
            yield return frame;
        }
    }
}
