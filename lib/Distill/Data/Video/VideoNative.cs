using System.Runtime.InteropServices;

namespace Distill.Data.Video;

/// <summary>One block's motion vector exactly as FFmpeg's AVMotionVector describes it.</summary>
/// <remarks>
/// (DstX, DstY) is the block's centre in the current frame, (SrcX, SrcY) the centre of its match in the reference
/// frame, both in whole pixels; Source &lt; 0 means a past reference, &gt; 0 a future one (B-frames).
/// MotionX / MotionScale is the codec's sub-pixel vector, src - dst (FFmpeg's sign).
/// </remarks>
[StructLayout(LayoutKind.Sequential)]
public struct MotionVector
{
    public int Source, BlockWidth, BlockHeight, SrcX, SrcY, DstX, DstY, MotionX, MotionY, MotionScale;
    public long Flags;
}

/// <summary>FFmpeg's picture types, as a decoded frame reports them.</summary>
public enum PictureType { None = 0, I = 1, P = 2, B = 3, S = 4, SI = 5, SP = 6, BI = 7 }

/// <summary>What the decoder says about one frame: its index in decode order, type, size and where it came from.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct DecodedFrameInfo
{
    public int Index;
    int pictType, keyFrame;
    public int Width, Height, VectorCount;
    int damaged;
    public long PacketPosition;
    public readonly PictureType Type => (PictureType)pictType;
    public readonly bool IsKeyFrame => keyFrame != 0;

    /// <summary>The decoder flagged this frame as corrupt or concealed damage while producing it (it still decoded).</summary>
    public readonly bool IsDamaged => damaged != 0;
}

/// <summary>
/// The native shim (Data/Video/Native/*.c around distill_video.h, built into libdistill_video.so next to Distill.dll by the
/// library's build) bound through function pointers, so no process-wide DllImport resolver is claimed.
/// </summary>
static unsafe class VideoNative
{
    public const string LibraryFile = "libdistill_video.so";
    public const string AptHint = "apt-get install -y ffmpeg libavcodec-dev libavformat-dev libavutil-dev libswscale-dev pkg-config";
    public const int Frame = 1, End = 0;

    static readonly Lazy<Api> Loaded = new(Bind, LazyThreadSafetyMode.ExecutionAndPublication);

    public static Api Functions => Loaded.Value;

    public sealed class Api
    {
        public delegate* unmanaged<byte*, int, IntPtr*, int> Open;
        public delegate* unmanaged<IntPtr, DecodedFrameInfo*, int> Next;
        public delegate* unmanaged<IntPtr, byte*, long, int> Rgb;
        public delegate* unmanaged<IntPtr, MotionVector*, int, int> Mvs;
        public delegate* unmanaged<IntPtr, IntPtr> Error;
        public delegate* unmanaged<IntPtr, IntPtr> CodecName;
        public delegate* unmanaged<IntPtr, long> DeclaredFrames;
        public delegate* unmanaged<IntPtr, long> DamagedFrames;
        public delegate* unmanaged<IntPtr, void> Close;
        public delegate* unmanaged<MotionVector*, int, int, int, short*, int> Rasterise;
        public delegate* unmanaged<byte*, short*, int, int, byte*, int> Predict;
        public delegate* unmanaged<byte*, byte*, long, short*, int> Residual;
        public delegate* unmanaged<short*, short*, int, int, short*, int> Accumulate;
        public delegate* unmanaged<IntPtr, byte*, byte*, short*, short*, long, int> PStreams;
        public delegate* unmanaged<byte*, short*, byte*, int, int, short*, int> PredictResidual;
    }

    static Api Bind()
    {
        var dir = Path.GetDirectoryName(typeof(VideoNative).Assembly.Location);
        var candidates = new[] { dir is null ? null : Path.Combine(dir, LibraryFile), Path.Combine(AppContext.BaseDirectory, LibraryFile) };
        var path = candidates.FirstOrDefault(p => p is not null && File.Exists(p));
        if (path is null)
            throw new VideoBackendUnavailableException(
                $"The compressed-domain video reader needs {LibraryFile} next to Distill.dll (looked in {string.Join(", ", candidates.Where(c => c is not null).Distinct())}). " +
                $"lib/Distill builds it from Data/Video/Native/*.c when FFmpeg's development files are present: {AptHint}, then rebuild lib/Distill.");
        IntPtr lib;
        try { lib = NativeLibrary.Load(path); }
        catch (DllNotFoundException e)
        {
            throw new VideoBackendUnavailableException(
                $"{path} exists but does not load ({e.Message}); FFmpeg's shared libraries are probably missing: {AptHint}", e);
        }
        IntPtr F(string name) => NativeLibrary.GetExport(lib, name);
        return new Api
        {
            Open = (delegate* unmanaged<byte*, int, IntPtr*, int>)F("dv_open"),
            Next = (delegate* unmanaged<IntPtr, DecodedFrameInfo*, int>)F("dv_next"),
            Rgb = (delegate* unmanaged<IntPtr, byte*, long, int>)F("dv_rgb"),
            Mvs = (delegate* unmanaged<IntPtr, MotionVector*, int, int>)F("dv_mvs"),
            Error = (delegate* unmanaged<IntPtr, IntPtr>)F("dv_error"),
            CodecName = (delegate* unmanaged<IntPtr, IntPtr>)F("dv_codec_name"),
            DeclaredFrames = (delegate* unmanaged<IntPtr, long>)F("dv_declared_frames"),
            DamagedFrames = (delegate* unmanaged<IntPtr, long>)F("dv_damaged_frames"),
            Close = (delegate* unmanaged<IntPtr, void>)F("dv_close"),
            Rasterise = (delegate* unmanaged<MotionVector*, int, int, int, short*, int>)F("dv_rasterise"),
            Predict = (delegate* unmanaged<byte*, short*, int, int, byte*, int>)F("dv_predict"),
            Residual = (delegate* unmanaged<byte*, byte*, long, short*, int>)F("dv_residual"),
            Accumulate = (delegate* unmanaged<short*, short*, int, int, short*, int>)F("dv_accumulate"),
            PStreams = (delegate* unmanaged<IntPtr, byte*, byte*, short*, short*, long, int>)F("dv_p_streams"),
            PredictResidual = (delegate* unmanaged<byte*, short*, byte*, int, int, short*, int>)F("dv_predict_residual"),
        };
    }
}
