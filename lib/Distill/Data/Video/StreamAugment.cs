using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Data.Video;

/// <summary>
/// Geometric augmentation that is correct for each compressed stream, on clips [T, C, H, W] (raw units from
/// <see cref="CompressedClip"/>). A horizontal flip mirrors every stream and negates the x component of motion
/// vectors; a crop leaves vectors unchanged (they are displacements); a resize scales vector x by the width ratio
/// and y by the height ratio. Training follows CoViAR's multi-scale corner/centre crop plus flip; testing a resize
/// of the shorter side and a centre crop.
/// </summary>
public static class StreamAugment
{
    /// <summary>CoViAR's crop scales for the motion streams (the I-frame stream also uses 0.66).</summary>
    public static readonly double[] MotionScales = [1, 0.875, 0.75];
    public static readonly double[] IFrameScales = [1, 0.875, 0.75, 0.66];

    public static Tensor HorizontalFlip(Tensor clip, CompressedStream stream)
    {
        var flipped = clip.flip(3);
        if (stream != CompressedStream.MotionVector) return flipped;
        using var sign = tensor(new float[] { -1, 1 }, [1, 2, 1, 1]).to(clip.device);
        using (flipped) return flipped * sign;
    }

    public static Tensor Crop(Tensor clip, int top, int left, int height, int width)
    {
        long h = clip.shape[2], w = clip.shape[3];
        if (top < 0 || left < 0 || height < 1 || width < 1 || top + height > h || left + width > w)
            throw new ArgumentOutOfRangeException(nameof(top), $"crop {width}x{height} at ({left},{top}) does not fit a {w}x{h} clip");
        return clip[.., .., top..(top + height), left..(left + width)].contiguous();
    }

    /// <summary>Bilinear resize; motion vectors are rescaled to the new pixel grid.</summary>
    public static Tensor Resize(Tensor clip, CompressedStream stream, int height, int width)
    {
        long h = clip.shape[2], w = clip.shape[3];
        var resized = nn.functional.interpolate(clip, [height, width], mode: InterpolationMode.Bilinear, align_corners: false);
        if (stream != CompressedStream.MotionVector) return resized;
        using var scale = tensor(new float[] { (float)width / w, (float)height / h }, [1, 2, 1, 1]).to(clip.device);
        using (resized) return resized * scale;
    }

    /// <summary>
    /// CoViAR's training crop: width and height each a scale of the shorter side (at most one scale step apart), at one
    /// of five fixed places (corners, centre), resized to size x size, then flipped with probability 1/2.
    /// </summary>
    public static Tensor Train(Tensor clip, CompressedStream stream, int size, Random rng)
    {
        var crop = DrawCrop((int)clip.shape[2], (int)clip.shape[3],
            stream == CompressedStream.IFrame ? IFrameScales : MotionScales, rng);
        using var cropped = Crop(clip, crop.Top, crop.Left, crop.Height, crop.Width);
        var resized = Resize(cropped, stream, size, size);
        if (!crop.Flip) return resized;
        using (resized) return HorizontalFlip(resized, stream);
    }

    /// <summary>
    /// Draws CoViAR's training crop for an h x w frame: width and height each a scale of the shorter side (at most one
    /// scale step apart), at a corner or the centre, and a coin-flip mirror.
    /// </summary>
    internal static StreamCrop DrawCrop(int h, int w, double[] scales, Random rng)
    {
        int shorter = Math.Min(h, w);
        int i = rng.Next(scales.Length), j = Math.Clamp(i + rng.Next(-1, 2), 0, scales.Length - 1);
        int cw = (int)(shorter * scales[i]), ch = (int)(shorter * scales[j]);
        var (top, left) = rng.Next(5) switch
        {
            0 => (0, 0),
            1 => (0, w - cw),
            2 => (h - ch, 0),
            3 => (h - ch, w - cw),
            _ => ((h - ch) / 2, (w - cw) / 2),
        };
        return new StreamCrop(top, left, ch, cw, rng.Next(2) == 1);
    }

    /// <summary>Test transform: resize so the shorter side is <paramref name="scaleSize"/>, then a centre crop.</summary>
    public static Tensor Test(Tensor clip, CompressedStream stream, int scaleSize, int cropSize)
    {
        int h = (int)clip.shape[2], w = (int)clip.shape[3];
        var (rh, rw) = h <= w ? (scaleSize, (int)Math.Round((double)w * scaleSize / h)) : ((int)Math.Round((double)h * scaleSize / w), scaleSize);
        if (cropSize > Math.Min(rh, rw)) throw new ArgumentOutOfRangeException(nameof(cropSize), $"crop {cropSize} exceeds the resized {rw}x{rh}");
        using var resized = Resize(clip, stream, rh, rw);
        return Crop(resized, (rh - cropSize) / 2, (rw - cropSize) / 2, cropSize, cropSize);
    }

    /// <summary>Side of CoViAR's network input in pixels (Wu et al. 2018 crop 224x224 from 340x256 frames).</summary>
    public const int CoViarInputSize = 224;

    /// <summary>
    /// Vectors of an input <paramref name="size"/> pixels wide re-expressed in pixels of CoViAR's 224-pixel input (times
    /// 224 / size), so that <see cref="Normalise"/>'s span of +-20 pixels means the same motion at every input size. At 224
    /// nothing changes; at a small input (the smoke profile's 32) the vectors would otherwise fill a few percent of the
    /// range, and batch norm's running variance, which starts at 1, would need far more steps than a short run has.
    /// </summary>
    public static Tensor ToCoViarScale(Tensor vectors, int size)
    {
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), $"input size must be positive, got {size}");
        using var gain = ((float)CoViarInputSize / size).ToScalar();
        return vectors.mul(gain);
    }

    /// <summary>
    /// CoViAR's input normalisation: I-frames to ImageNet mean/std; vectors scaled by 127.5/20 around 128, clipped to
    /// 0..255, divided by 255 and centred; residuals shifted by 128, clipped, divided by 255, centred and divided by the std.
    /// </summary>
    public static Tensor Normalise(Tensor clip, CompressedStream stream)
    {
        using var scope = NewDisposeScope();
        var std = tensor(new float[] { 0.229f, 0.224f, 0.225f }, [1, 3, 1, 1]).to(clip.device);
        var result = stream switch
        {
            CompressedStream.IFrame => clip.div(Full).sub_(tensor(new float[] { 0.485f, 0.456f, 0.406f }, [1, 3, 1, 1]).to(clip.device)).div_(std),
            CompressedStream.MotionVector => clip.mul(VectorGain).add_(Mid, One).clamp_(Zero, Full).div_(Full).sub_(Half),
            _ => clip.add(Mid, One).clamp_(Zero, Full).div_(Full).sub_(Half).div_(std),
        };
        return result.MoveToOuterDisposeScope();
    }

    // Normalise runs on the batch source's parallel workers. TorchSharp 0.107 turns a number in `tensor / 255` into a
    // Scalar that nothing but its finalizer frees, and a collection triggered by another worker can run that finalizer
    // while the native operation is still reading it ("Unknown scalar type" or a wrong value). These stay reachable.
    // add(x) is add(x, alpha: 1) with an implicit alpha made inside TorchSharp, so the alpha is passed explicitly too.
    static readonly Scalar One = 1f.ToScalar(), Zero = 0f.ToScalar(), Half = 0.5f.ToScalar(), Mid = 128f.ToScalar(), Full = 255f.ToScalar(),
        VectorGain = (127.5f / 20).ToScalar();
}
