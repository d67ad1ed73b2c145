using Distill.Data.Video;
using SkiaSharp;

namespace Distill.Reports;

/// <summary>
/// Pictures of one P-frame's compressed-domain streams as CoViAR shows them (Wu et al. 2018, Fig. 1): the GOP's I-frame,
/// the motion vectors as a colour-coded flow image (HSV: direction = hue, magnitude = value, full saturation; still
/// pixels are black) and the residual (|r| per channel, brightened), side by side in one PNG.
/// </summary>
public sealed class StreamPictures : IPicture
{
    StreamPictures(byte[] png, int frame, double maxMagnitude) { this.png = png; Frame = frame; MaxMagnitude = maxMagnitude; }

    readonly byte[] png;

    /// <summary>The pictured P-frame.</summary>
    public int Frame { get; }

    /// <summary>The largest vector length in the picture (pixels), which maps to full brightness.</summary>
    public double MaxMagnitude { get; }

    public byte[] ToPng() => png;

    /// <summary>Pictures frame <paramref name="frame"/> (a P-frame) of <paramref name="path"/>, each panel scaled by <paramref name="zoom"/>.</summary>
    public static StreamPictures Of(string path, int frame, bool accumulate = true, int zoom = 2)
    {
        foreach (var f in CompressedFrames.Read(path, accumulate))
        {
            if (f.FrameIndex != frame) continue;
            if (f.GopPosition == 0) throw new ArgumentException($"{path}: frame {frame} is an I-frame; it has no motion vectors or residual");
            var mv = accumulate ? f.AccumulatedMotionVectors! : f.MotionVectors;
            var residual = accumulate ? f.AccumulatedResidual! : f.Residual;
            int pixels = f.Width * f.Height;
            double max = 0;
            for (int p = 0; p < pixels; p++) max = Math.Max(max, Math.Sqrt(mv[2 * p] * mv[2 * p] + mv[2 * p + 1] * mv[2 * p + 1]));
            var flow = new byte[pixels * 3];
            var res = new byte[pixels * 3];
            for (int p = 0; p < pixels; p++)
            {
                double x = mv[2 * p], y = mv[2 * p + 1];
                double hue = (Math.Atan2(y, x) * 180 / Math.PI + 360) % 360, value = max > 0 ? Math.Sqrt(x * x + y * y) / max : 0;
                (flow[3 * p], flow[3 * p + 1], flow[3 * p + 2]) = Hsv(hue, 1, value);
                for (int c = 0; c < 3; c++) res[3 * p + c] = (byte)Math.Min(255, 4 * Math.Abs((int)residual[3 * p + c]));
            }
            return new StreamPictures(Strip([f.IFrame, flow, res], f.Width, f.Height, zoom), frame, max);
        }
        throw new ArgumentOutOfRangeException(nameof(frame), $"{path} has no frame {frame}");
    }

    /// <summary>HSV (hue in degrees, s and v in 0..1) to RGB bytes.</summary>
    public static (byte R, byte G, byte B) Hsv(double hue, double s, double v)
    {
        double c = v * s, h = hue / 60, x = c * (1 - Math.Abs(h % 2 - 1)), m = v - c;
        var (r, g, b) = (int)h switch
        {
            0 => (c, x, 0.0),
            1 => (x, c, 0.0),
            2 => (0.0, c, x),
            3 => (0.0, x, c),
            4 => (x, 0.0, c),
            _ => (c, 0.0, x),
        };
        static byte B(double u) => (byte)Math.Round(Math.Clamp(u, 0, 1) * 255);
        return (B(r + m), B(g + m), B(b + m));
    }

    static byte[] Strip(IReadOnlyList<byte[]> panels, int width, int height, int zoom)
    {
        const int gap = 4;
        int w = width * zoom, h = height * zoom;
        using var bitmap = new SKBitmap(panels.Count * w + (panels.Count - 1) * gap, h, SKColorType.Rgba8888, SKAlphaType.Opaque);
        bitmap.Erase(SKColors.White);
        for (int i = 0; i < panels.Count; i++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    int p = ((y / zoom) * width + x / zoom) * 3;
                    bitmap.SetPixel(i * (w + gap) + x, y, new SKColor(panels[i][p], panels[i][p + 1], panels[i][p + 2]));
                }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
