using System.Runtime.InteropServices;
using System.Text;

namespace Distill.Data.Video;

/// <summary>
/// Frame-by-frame access to a compressed video through FFmpeg: each decoded frame's type, its motion vectors as
/// the decoder exported them (flags2=+export_mvs) and, on request, its RGB pixels. Frames come in decode order,
/// which is display order for the streams CoViAR uses (no B-frames). Every failure is a
/// <see cref="VideoDecodeException"/> naming the file; the native side never crashes on bad input.
/// Decoders conceal much damage instead of failing: such frames still decode, flagged <see cref="DecodedFrameInfo.IsDamaged"/>
/// and counted in <see cref="DamagedFrames"/>, for the caller's <see cref="DamagedVideoPolicy"/> to judge.
/// </summary>
public sealed unsafe class CompressedVideoReader : IDisposable
{
    readonly VideoNative.Api api;
    IntPtr handle;
    DecodedFrameInfo current;
    bool hasFrame;

    /// <summary>Opens <paramref name="path"/>; <paramref name="threads"/> decoder threads (0 = FFmpeg's choice).</summary>
    public CompressedVideoReader(string path, int threads = 1)
    {
        Path = path;
        api = VideoNative.Functions;
        if (!File.Exists(path)) throw new VideoDecodeException(path, "file not found");
        var bytes = Encoding.UTF8.GetBytes(path + "\0");
        IntPtr h;
        int rc;
        fixed (byte* p = bytes) rc = api.Open(p, threads, &h);
        handle = h;
        if (rc < 0)
        {
            var error = Fail(rc);
            Dispose();
            throw error;
        }
        Codec = Marshal.PtrToStringUTF8(api.CodecName(handle)) ?? "";
        DeclaredFrames = api.DeclaredFrames(handle);
    }

    public string Path { get; }

    /// <summary>FFmpeg's name of the video decoder (mpeg4 for MPEG-4 Part 2).</summary>
    public string Codec { get; }

    /// <summary>
    /// Frame count the container declares, or 0 where it declares none: a hint, as muxers count empty chunks. Reading
    /// fails as truncated only when the packets fall short of it by more than two.
    /// </summary>
    public long DeclaredFrames { get; }

    /// <summary>
    /// Frames so far that FFmpeg flagged as corrupt or concealed (it logged an error while decoding them), plus, once the
    /// end is reached, packets that yielded no frame and packets lost or extra against the container's index (or,
    /// where the demuxer has none, its declared count). Exact with the default single decoder thread.
    /// </summary>
    public long DamagedFrames
    {
        get
        {
            ObjectDisposedException.ThrowIf(handle == IntPtr.Zero, this);
            return api.DamagedFrames(handle);
        }
    }

    /// <summary>The frame the last successful <see cref="Next"/> decoded.</summary>
    public DecodedFrameInfo Current => hasFrame ? current : throw new InvalidOperationException($"{Path}: no current frame");

    /// <summary>Decodes the next frame; false at the end of the stream.</summary>
    public bool Next()
    {
        ObjectDisposedException.ThrowIf(handle == IntPtr.Zero, this);
        DecodedFrameInfo info;
        int rc = api.Next(handle, &info);
        if (rc < 0) { hasFrame = false; throw Fail(rc); }
        hasFrame = rc == VideoNative.Frame;
        current = info;
        return hasFrame;
    }

    /// <summary>The current frame as packed RGB24, height x width x 3, written into <paramref name="rgb"/>.</summary>
    public void ReadRgb(Span<byte> rgb)
    {
        var info = Current;
        long need = (long)info.Width * info.Height * 3;
        if (rgb.Length < need) throw new ArgumentException($"{Path}: frame {info.Index} needs {need} bytes, buffer has {rgb.Length}", nameof(rgb));
        int rc;
        fixed (byte* p = rgb) rc = api.Rgb(handle, p, rgb.Length);
        if (rc < 0) throw Fail(rc);
    }

    /// <summary>The current frame's motion vectors (empty for I-frames).</summary>
    public MotionVector[] ReadVectors()
    {
        var info = Current;
        var vectors = new MotionVector[info.VectorCount];
        int n;
        fixed (MotionVector* p = vectors) n = api.Mvs(handle, p, vectors.Length);
        if (n < 0) throw Fail(n);
        return n == vectors.Length ? vectors : vectors[..n];
    }

    /// <summary>
    /// The current P-frame's CoViAR streams in one native pass: its RGB24 pixels into <paramref name="rgb"/> (H x W x 3),
    /// its motion-vector field into <paramref name="field"/> (H x W x 2, as <see cref="MotionField.Rasterise"/>) and its
    /// residual against <paramref name="reference"/> into <paramref name="residual"/> (H x W x 3, as
    /// <see cref="MotionField.Predict"/> then <see cref="MotionField.Residual"/>). Every output element is written.
    /// </summary>
    public void ReadPStreams(ReadOnlySpan<byte> reference, Span<byte> rgb, Span<short> field, Span<short> residual)
    {
        var info = Current;
        long pixels = (long)info.Width * info.Height;
        if (reference.Length != pixels * 3 || rgb.Length != pixels * 3 || field.Length != pixels * 2 || residual.Length != pixels * 3)
            throw new ArgumentException($"{Path}: frame {info.Index} is {info.Width}x{info.Height}; buffers must hold exactly {pixels * 3} (reference, rgb), {pixels * 2} (field) and {pixels * 3} (residual) elements");
        int rc;
        fixed (byte* r = reference)
        fixed (byte* c = rgb)
        fixed (short* f = field)
        fixed (short* d = residual)
            rc = api.PStreams(handle, r, c, f, d, pixels);
        if (rc < 0) throw Fail(rc);
    }

    VideoDecodeException Fail(int code)
    {
        var message = handle == IntPtr.Zero ? "" : Marshal.PtrToStringUTF8(api.Error(handle)) ?? "";
        return new VideoDecodeException(Path, message.Length > 0 ? message : $"native error {code}", code);
    }

    public void Dispose()
    {
        if (handle == IntPtr.Zero) return;
        api.Close(handle);
        handle = IntPtr.Zero;
    }
}
