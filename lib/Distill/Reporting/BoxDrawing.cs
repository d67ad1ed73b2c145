using Distill.Runtime;
using Distill.Models.Detection;
using SkiaSharp;
using static TorchSharp.torch;

namespace Distill.Reporting;

/// <summary>
/// Draws detections on images with SkiaSharp: each panel is an image with predicted boxes (coloured by class,
/// labelled "class score") and its ground truth (dashed white); <see cref="Grid"/> lays panels out with one column
/// per model under a header and returns a PNG.
/// </summary>
public static class BoxDrawing
{
    /// <summary>One image (RGBA pixels), its detections above the score threshold and its ground-truth boxes, in image pixels.</summary>
    public sealed record Panel(int Width, int Height, byte[] Rgba, IReadOnlyList<(float[] Box, int Label, float Score)> Detections, IReadOnlyList<float[]> Truth)
    {
        /// <summary>From an image [3, H, W] in [0, 1], a model's detections and the image's target.</summary>
        public static Panel Of(Tensor image, Detections detections, DetectionTarget truth, double minScore)
        {
            using var scope = NewDisposeScope();
            int height = (int)image.shape[1], width = (int)image.shape[2];
            var rgb = image.detach().cpu().Clamp(0, 1).Times(255.0).round().to(ScalarType.Byte).permute(1, 2, 0).contiguous().data<byte>().ToArray();
            var rgba = new byte[width * height * 4];
            for (int p = 0; p < width * height; p++)
            {
                rgba[4 * p] = rgb[3 * p];
                rgba[4 * p + 1] = rgb[3 * p + 1];
                rgba[4 * p + 2] = rgb[3 * p + 2];
                rgba[4 * p + 3] = 255;
            }
            var boxes = ToArray<float>(detections.Boxes);
            var scores = ToArray<float>(detections.Scores);
            var labels = ToArray<long>(detections.Labels);
            var found = Enumerable.Range(0, scores.Length).Where(i => scores[i] >= minScore)
                .Select(i => (boxes[(4 * i)..(4 * i + 4)], (int)labels[i], scores[i])).ToList();
            var gt = ToArray<float>(truth.Boxes);
            var truthBoxes = Enumerable.Range(0, gt.Length / 4).Select(i => gt[(4 * i)..(4 * i + 4)]).ToList();
            return new Panel(width, height, rgba, found, truthBoxes);
        }

        /// <summary>The elements of a tensor; empty for an empty tensor (which TorchSharp's accessor cannot copy).</summary>
        static T[] ToArray<T>(Tensor t) where T : unmanaged => t.numel() == 0 ? [] : t.cpu().data<T>().ToArray();
    }

    static readonly SKColor[] Palette =
    [
        new(230, 25, 75), new(60, 180, 75), new(255, 225, 25), new(0, 130, 200), new(245, 130, 48),
        new(145, 30, 180), new(70, 240, 240), new(240, 50, 230), new(210, 245, 60), new(250, 190, 212),
        new(0, 128, 128), new(220, 190, 255), new(170, 110, 40), new(255, 250, 200), new(128, 0, 0),
        new(170, 255, 195), new(128, 128, 0), new(255, 215, 180), new(0, 0, 128), new(128, 128, 128),
    ];

    /// <summary>
    /// A PNG of <paramref name="columns"/> (one array of panels per model, all of equal length) side by side, each
    /// panel scaled by <paramref name="scale"/>, with <paramref name="headers"/> above the columns.
    /// </summary>
    public static byte[] Grid(IReadOnlyList<string> headers, IReadOnlyList<Panel[]> columns, IReadOnlyList<string> classes, int scale = 2)
    {
        if (columns.Count == 0 || columns.Count != headers.Count) throw new ArgumentException($"{headers.Count} headers for {columns.Count} columns.");
        int rows = columns[0].Length;
        if (columns.Any(c => c.Length != rows)) throw new ArgumentException("Every column needs the same number of panels.");
        int cellW = columns[0].Max(p => p.Width) * scale, cellH = columns[0].Max(p => p.Height) * scale;
        const int gap = 6, header = 34;
        int width = columns.Count * (cellW + gap) + gap, height = header + rows * (cellH + gap) + gap;
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var headerFont = new SKPaint { Color = SKColors.Black, TextSize = 12, IsAntialias = true };
        using var labelFont = new SKPaint { TextSize = 10, IsAntialias = true };
        using var box = new SKPaint { Style = SKPaintStyle.Stroke, StrokeWidth = 2, IsAntialias = true };
        using var truth = new SKPaint { Style = SKPaintStyle.Stroke, StrokeWidth = 1, Color = SKColors.White, PathEffect = SKPathEffect.CreateDash([4, 3], 0) };
        using var labelBack = new SKPaint { Style = SKPaintStyle.Fill };
        for (int c = 0; c < columns.Count; c++)
        {
            float x0 = gap + c * (cellW + gap);
            DrawWrapped(canvas, headers[c], x0, cellW, headerFont);
            for (int r = 0; r < rows; r++)
            {
                var panel = columns[c][r];
                float y0 = header + r * (cellH + gap);
                using (var bitmap = new SKBitmap(new SKImageInfo(panel.Width, panel.Height, SKColorType.Rgba8888, SKAlphaType.Premul)))
                {
                    System.Runtime.InteropServices.Marshal.Copy(panel.Rgba, 0, bitmap.GetPixels(), panel.Rgba.Length);
                    canvas.DrawBitmap(bitmap, new SKRect(x0, y0, x0 + panel.Width * scale, y0 + panel.Height * scale));
                }
                foreach (var t in panel.Truth) canvas.DrawRect(Rect(t, x0, y0, scale), truth);
                foreach (var (b, label, score) in panel.Detections)
                {
                    var colour = Palette[(label - 1) % Palette.Length];
                    box.Color = colour;
                    var rect = Rect(b, x0, y0, scale);
                    canvas.DrawRect(rect, box);
                    var text = $"{(label >= 1 && label <= classes.Count ? classes[label - 1] : label.ToString())} {score:F2}";
                    labelBack.Color = colour;
                    float textWidth = labelFont.MeasureText(text);
                    canvas.DrawRect(new SKRect(rect.Left, rect.Top - 12, rect.Left + textWidth + 4, rect.Top), labelBack);
                    labelFont.Color = SKColors.Black;
                    canvas.DrawText(text, rect.Left + 2, rect.Top - 2, labelFont);
                }
            }
        }
        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    static SKRect Rect(float[] b, float x0, float y0, int scale) => new(x0 + b[0] * scale, y0 + b[1] * scale, x0 + b[2] * scale, y0 + b[3] * scale);

    /// <summary>A header in at most two lines of the column width.</summary>
    static void DrawWrapped(SKCanvas canvas, string text, float x, float width, SKPaint font)
    {
        var words = text.Split(' ');
        var first = "";
        int i = 0;
        while (i < words.Length && font.MeasureText((first + " " + words[i]).Trim()) <= width) first = (first + " " + words[i++]).Trim();
        canvas.DrawText(first, x, 14, font);
        if (i < words.Length) canvas.DrawText(string.Join(' ', words[i..]), x, 29, font);
    }
}
