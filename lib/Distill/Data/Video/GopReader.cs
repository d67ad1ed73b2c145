namespace Distill.Data.Video;

/// <summary>
/// Reads a video as CoViAR's GOPs: every I-frame starts a GOP; each following P-frame yields its motion-vector
/// field and residual (and optionally the accumulated variants). Only GOPs the caller wants get the RGB conversion
/// and per-pixel work; the others are decoded and skipped. B-frames are rejected: CoViAR's representation assumes
/// P-frames only (encode with -bf 0).
/// </summary>
public static class GopReader
{
    /// <summary>The GOPs of <paramref name="path"/> whose index <paramref name="wanted"/> accepts (all when null).</summary>
    public static IEnumerable<Gop> Read(string path, bool accumulate = false, Func<int, bool>? wanted = null, int threads = 1)
    {
        using var reader = new CompressedVideoReader(path, threads);
        GopBuilder? gop = null;
        int gopIndex = -1;
        while (reader.Next())
        {
            var info = reader.Current;
            switch (info.Type)
            {
                case PictureType.I:
                    if (gop is not null) yield return gop.Build();
                    gopIndex++;
                    gop = wanted is null || wanted(gopIndex) ? new GopBuilder(reader, gopIndex, accumulate) : null;
                    break;
                case PictureType.P:
                    if (gopIndex < 0) throw new VideoDecodeException(path, $"frame {info.Index} is a P-frame before any I-frame");
                    gop?.AddP(reader);
                    break;
                default:
                    throw new VideoDecodeException(path, $"frame {info.Index} is a {info.Type}-frame; only I- and P-frames are supported (encode with -bf 0)");
            }
        }
        if (gop is not null) yield return gop.Build();
    }

    /// <summary>Decodes <paramref name="path"/> once (no pixel work) to find its frame count and GOP starts.</summary>
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
        return new VideoIndex(path, reader.Codec, width, height, frames, starts);
    }

    /// <summary>Accumulates one GOP's streams while its frames are decoded.</summary>
    sealed class GopBuilder
    {
        readonly int index, firstFrame, width, height;
        readonly byte[] iFrame;
        readonly List<PFrame> pFrames = [];
        byte[] previous, spare;
        short[]? accumulated;

        public GopBuilder(CompressedVideoReader reader, int index, bool accumulate)
        {
            var info = reader.Current;
            (this.index, firstFrame, width, height) = (index, info.Index, info.Width, info.Height);
            iFrame = GC.AllocateUninitializedArray<byte>(width * height * 3);
            reader.ReadRgb(iFrame);
            previous = iFrame;
            spare = GC.AllocateUninitializedArray<byte>(iFrame.Length);
            if (accumulate) accumulated = new short[width * height * 2];
        }

        public void AddP(CompressedVideoReader reader)
        {
            var info = reader.Current;
            if (info.Width != width || info.Height != height)
                throw new VideoDecodeException(reader.Path, $"frame {info.Index} is {info.Width}x{info.Height}, its GOP started at {width}x{height}");
            // Decoded P-frames are only needed as the next frame's reference, so two buffers take turns.
            var decoded = spare;
            var field = GC.AllocateUninitializedArray<short>(width * height * 2);
            var residual = GC.AllocateUninitializedArray<short>(width * height * 3);
            reader.ReadPStreams(previous, decoded, field, residual);
            short[]? accMv = null, accResidual = null;
            if (accumulated is not null)
            {
                accMv = accumulated = MotionField.Accumulate(accumulated, field, width, height);
                accResidual = MotionField.PredictResidual(iFrame, accMv, decoded, width, height);
            }
            pFrames.Add(new PFrame(info.Index, info.Index - firstFrame, field, residual, accMv, accResidual));
            spare = ReferenceEquals(previous, iFrame) ? GC.AllocateUninitializedArray<byte>(iFrame.Length) : previous;
            previous = decoded;
        }

        public Gop Build() => new(index, firstFrame, width, height, iFrame, pFrames);
    }
}
