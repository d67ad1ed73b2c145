namespace Distill.Data.Video;

/// <summary>
/// CoViAR's per-pixel compressed-domain operations (Wu et al., "Compressed Video Action Recognition", CVPR 2018),
/// done in the native shim. Fields are height x width x 2 int16 (x, y), images height x width x 3.
/// </summary>
/// <remarks>
/// Sign and units: field(p) = dst - src in whole pixels (CoViAR's convention), the displacement of the content from
/// the reference frame to the current frame; for FFmpeg's vectors that is -(motion_x / motion_scale) truncated toward
/// zero, as FFmpeg rounds src. A patch moving right by 3 pixels per frame has field x = +3, and the prediction of
/// pixel p is ref(p - field(p)). Source positions outside the frame are clamped to its border, as the codec does.
/// </remarks>
public static unsafe class MotionField
{
    /// <summary>Rasterises a frame's past-reference vectors: each block's destination pixels get (dst - src); uncovered (intra) pixels 0.</summary>
    public static short[] Rasterise(ReadOnlySpan<MotionVector> vectors, int width, int height)
    {
        var field = new short[Checked(width, height, 2)];
        fixed (MotionVector* v = vectors)
        fixed (short* f = field)
            Check(VideoNative.Functions.Rasterise(v, vectors.Length, width, height, f), "rasterise");
        return field;
    }

    /// <summary>Motion-compensated prediction from the reference image: pred(p) = reference(clamp(p - field(p))).</summary>
    public static byte[] Predict(ReadOnlySpan<byte> reference, ReadOnlySpan<short> field, int width, int height)
    {
        int n = Checked(width, height, 3);
        Require(reference.Length, n, "reference");
        Require(field.Length, Checked(width, height, 2), "field");
        var prediction = new byte[n];
        fixed (byte* r = reference)
        fixed (short* f = field)
        fixed (byte* p = prediction)
            Check(VideoNative.Functions.Predict(r, f, width, height, p), "predict");
        return prediction;
    }

    /// <summary>Residual = current - prediction, element-wise, as int16.</summary>
    public static short[] Residual(ReadOnlySpan<byte> current, ReadOnlySpan<byte> prediction)
    {
        if (current.Length != prediction.Length) throw new ArgumentException($"current has {current.Length} bytes, prediction {prediction.Length}");
        var residual = new short[current.Length];
        fixed (byte* c = current)
        fixed (byte* p = prediction)
        fixed (short* r = residual)
            Check(VideoNative.Functions.Residual(c, p, current.Length, r), "residual");
        return residual;
    }

    /// <summary>Residual against a motion-compensated reference in one pass: current(p) - reference(clamp(p - field(p))).</summary>
    public static short[] PredictResidual(ReadOnlySpan<byte> reference, ReadOnlySpan<short> field, ReadOnlySpan<byte> current, int width, int height)
    {
        var residual = GC.AllocateUninitializedArray<short>(Checked(width, height, 3));
        PredictResidual(reference, field, current, width, height, residual);
        return residual;
    }

    /// <summary><see cref="PredictResidual(ReadOnlySpan{byte}, ReadOnlySpan{short}, ReadOnlySpan{byte}, int, int)"/> into a caller's buffer.</summary>
    public static void PredictResidual(ReadOnlySpan<byte> reference, ReadOnlySpan<short> field, ReadOnlySpan<byte> current, int width, int height, Span<short> residual)
    {
        int n = Checked(width, height, 3);
        Require(reference.Length, n, "reference");
        Require(current.Length, n, "current");
        Require(residual.Length, n, "residual");
        Require(field.Length, Checked(width, height, 2), "field");
        fixed (byte* r = reference)
        fixed (short* f = field)
        fixed (byte* c = current)
        fixed (short* o = residual)
            Check(VideoNative.Functions.PredictResidual(r, f, c, width, height, o), "predict-residual");
    }

    /// <summary>
    /// CoViAR's accumulation back to the GOP's I-frame: acc(p) = field(p) + previous(p - field(p)) (source clamped to
    /// the frame), so p - acc(p) is the I-frame pixel that p traces back to. <paramref name="previous"/> is all zeros
    /// for the first P-frame of a GOP.
    /// </summary>
    public static short[] Accumulate(ReadOnlySpan<short> previous, ReadOnlySpan<short> field, int width, int height)
    {
        var accumulated = GC.AllocateUninitializedArray<short>(Checked(width, height, 2));
        Accumulate(previous, field, width, height, accumulated);
        return accumulated;
    }

    /// <summary><see cref="Accumulate(ReadOnlySpan{short}, ReadOnlySpan{short}, int, int)"/> into a caller's buffer (not <paramref name="previous"/>).</summary>
    public static void Accumulate(ReadOnlySpan<short> previous, ReadOnlySpan<short> field, int width, int height, Span<short> accumulated)
    {
        int n = Checked(width, height, 2);
        Require(previous.Length, n, "previous accumulated field");
        Require(field.Length, n, "field");
        Require(accumulated.Length, n, "accumulated field");
        if (accumulated.Overlaps(previous)) throw new ArgumentException("the accumulated field must not overlap the previous one");
        fixed (short* a = previous)
        fixed (short* f = field)
        fixed (short* o = accumulated)
            Check(VideoNative.Functions.Accumulate(a, f, width, height, o), "accumulate");
    }

    static int Checked(int width, int height, int channels)
    {
        if (width <= 0 || height <= 0 || width > 16384 || height > 16384)
            throw new ArgumentOutOfRangeException(nameof(width), $"frame size {width}x{height} is outside 1..16384");
        return checked(width * height * channels);
    }

    static void Require(int length, int expected, string what)
    {
        if (length != expected) throw new ArgumentException($"{what} has {length} elements, expected {expected}");
    }

    static void Check(int rc, string op)
    {
        if (rc < 0) throw new ArgumentException($"native {op} rejected its arguments (code {rc})");
    }
}
