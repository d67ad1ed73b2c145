using SkiaSharp;

namespace Distill.Data.Detection;

/// <summary>Size and crowding of generated detection scenes.</summary>
public sealed record VocSceneSettings
{
    public int ImageSize { get; init; } = 128;
    public int MinObjects { get; init; } = 1;
    public int MaxObjects { get; init; } = 4;
    /// <summary>Smallest and largest object side in pixels.</summary>
    public int MinObjectSize { get; init; } = 14;
    public int MaxObjectSize { get; init; } = 60;
    /// <summary>Objects whose longer side is below this are marked difficult, like VOC's tiny instances.</summary>
    public int DifficultBelow { get; init; } = 18;
    /// <summary>Largest IoU allowed between two objects of a scene (some occlusion, no swallowing).</summary>
    public double MaxOverlap { get; init; } = 0.25;
    /// <summary>Background clutter strokes per image.</summary>
    public int Clutter { get; init; } = 24;
}

/// <summary>
/// The embedded default detection data set: scenes of several class-specific textured shapes at varied scales on
/// cluttered backgrounds (gradient, random strokes and bars), annotated like PASCAL VOC, so the same reader, training
/// and evaluator run without the real data. A class is a shape; its fill hue is class-typical with jitter and its
/// texture (solid, stripes, checks) random, so shape is what a detector must learn.
/// </summary>
public sealed class VocSceneGenerator(VocSceneSettings? settings = null)
{
    public static readonly IReadOnlyList<string> Classes = ["disc", "square", "triangle", "cross", "ring", "star"];

    public VocSceneSettings Settings { get; } = settings ?? new VocSceneSettings();

    /// <summary>Draws scene <paramref name="id"/> with a generator seeded by <paramref name="seed"/>.</summary>
    public (SKBitmap Image, VocAnnotation Annotation) Generate(string id, int seed, string extension = ".jpg")
    {
        var rng = new Random(seed);
        int size = Settings.ImageSize;
        var bitmap = new SKBitmap(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(bitmap);
        DrawBackground(canvas, rng, size, Settings.Clutter);

        var objects = new List<VocObject>();
        int wanted = rng.Next(Settings.MinObjects, Settings.MaxObjects + 1);
        for (int attempt = 0; objects.Count < wanted && attempt < wanted * 30; attempt++)
        {
            int side = rng.Next(Settings.MinObjectSize, Math.Min(Settings.MaxObjectSize, size) + 1);
            float x = rng.Next(0, size - side + 1), y = rng.Next(0, size - side + 1);
            int cls = rng.Next(Classes.Count);
            using var path = Shape(cls, new SKRect(x, y, x + side, y + side), rng);
            var bounds = path.Bounds;
            var box = new VocBox(Math.Max(1, Math.Floor(bounds.Left) + 1), Math.Max(1, Math.Floor(bounds.Top) + 1),
                                 Math.Min(size, Math.Ceiling(bounds.Right)), Math.Min(size, Math.Ceiling(bounds.Bottom)));
            if (objects.Any(o => o.Box.Iou(box) > Settings.MaxOverlap)) continue;
            DrawObject(canvas, path, cls, rng);
            bool difficult = Math.Max(box.XMax - box.XMin + 1, box.YMax - box.YMin + 1) < Settings.DifficultBelow;
            objects.Add(new VocObject(Classes[cls], box, difficult));
        }
        canvas.Flush();
        return (bitmap, new VocAnnotation(id, id + extension, size, size, 3, objects));
    }

    static SKColor Hsv(float hue, float saturation, float value) => SKColor.FromHsv(((hue % 360) + 360) % 360, saturation, value);

    static void DrawBackground(SKCanvas canvas, Random rng, int size, int clutter)
    {
        var a = Hsv(rng.Next(360), rng.Next(5, 40), rng.Next(30, 90));
        var b = Hsv(rng.Next(360), rng.Next(5, 40), rng.Next(30, 90));
        using var gradient = new SKPaint
        {
            Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(size, rng.Next(size)), [a, b], SKShaderTileMode.Clamp),
        };
        canvas.DrawRect(0, 0, size, size, gradient);
        using var stroke = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Stroke };
        for (int i = 0; i < clutter; i++)
        {
            stroke.Color = Hsv(rng.Next(360), rng.Next(0, 60), rng.Next(20, 100)).WithAlpha((byte)rng.Next(80, 200));
            stroke.StrokeWidth = 1 + (float)rng.NextDouble() * 3;
            if (rng.Next(2) == 0)
                canvas.DrawLine(rng.Next(size), rng.Next(size), rng.Next(size), rng.Next(size), stroke);
            else
            {
                float x = rng.Next(size), y = rng.Next(size);
                canvas.DrawRect(x, y, rng.Next(3, 12), rng.Next(3, 12), stroke);
            }
        }
    }

    /// <summary>The outline of class <paramref name="cls"/> inscribed in <paramref name="r"/>.</summary>
    static SKPath Shape(int cls, SKRect r, Random rng)
    {
        var path = new SKPath();
        float cx = r.MidX, cy = r.MidY, h = r.Width / 2;
        switch (Classes[cls])
        {
            case "disc":
                path.AddOval(r);
                break;
            case "square":
                path.AddRect(new SKRect(r.Left + h * 0.1f, r.Top + h * 0.1f, r.Right - h * 0.1f, r.Bottom - h * 0.1f));
                break;
            case "triangle":
                path.MoveTo(cx, r.Top);
                path.LineTo(r.Right, r.Bottom);
                path.LineTo(r.Left, r.Bottom);
                path.Close();
                break;
            case "cross":
                float t = h * 0.35f;
                path.AddRect(new SKRect(cx - t, r.Top, cx + t, r.Bottom));
                path.AddRect(new SKRect(r.Left, cy - t, r.Right, cy + t));
                path = path.Simplify() ?? path;
                break;
            case "ring":
                path.AddOval(r);
                path.AddOval(new SKRect(cx - h * 0.5f, cy - h * 0.5f, cx + h * 0.5f, cy + h * 0.5f), SKPathDirection.CounterClockwise);
                break;
            case "star":
                for (int k = 0; k < 10; k++)
                {
                    double angle = -Math.PI / 2 + k * Math.PI / 5;
                    float radius = k % 2 == 0 ? h : h * 0.45f;
                    var p = new SKPoint(cx + radius * (float)Math.Cos(angle), cy + radius * (float)Math.Sin(angle));
                    if (k == 0) path.MoveTo(p); else path.LineTo(p);
                }
                path.Close();
                break;
        }
        if (rng.Next(2) == 0 && Classes[cls] is "triangle" or "square")
            path.Transform(SKMatrix.CreateRotationDegrees(rng.Next(-20, 21), cx, cy));
        return path;
    }

    static void DrawObject(SKCanvas canvas, SKPath path, int cls, Random rng)
    {
        float hue = cls * 60 + rng.Next(-25, 26);
        var fill = Hsv(hue, rng.Next(55, 100), rng.Next(55, 100));
        var second = Hsv(hue + 180, rng.Next(20, 80), rng.Next(10, 60));
        using var paint = new SKPaint { IsAntialias = true, Color = fill, Style = SKPaintStyle.Fill };
        canvas.DrawPath(path, paint);
        int texture = rng.Next(3);
        if (texture == 0) return;
        canvas.Save();
        canvas.ClipPath(path, antialias: true);
        var b = path.Bounds;
        float step = 3 + rng.Next(5);
        paint.Color = second;
        for (float v = b.Left; v < b.Right; v += 2 * step)
            canvas.DrawRect(v, b.Top, step, b.Height, paint);
        if (texture == 2)
            for (float v = b.Top; v < b.Bottom; v += 2 * step)
                canvas.DrawRect(b.Left, v, b.Width, step, paint);
        canvas.Restore();
    }
}
