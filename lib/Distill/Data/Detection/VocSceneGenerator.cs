using SkiaSharp;

namespace Distill.Data.Detection;

/// <summary>Size and crowding of generated detection scenes.</summary>
public sealed record VocSceneSettings
{
    /// <summary>Image width in pixels, and height too unless <see cref="ImageHeight"/> is given.</summary>
    public int ImageSize { get; init; } = 128;
    /// <summary>Image height in pixels; null: square (VOC's images are mostly 500x375 or 375x500).</summary>
    public int? ImageHeight { get; init; }
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
    /// <summary>
    /// The Fashion-MNIST classes the scenes are drawn from, by name (<see cref="FashionMnistItems.Classes"/>); null
    /// takes all ten. Fewer, distinct classes make a scene set a small detector can learn in a CI-sized budget.
    /// </summary>
    public IReadOnlyList<string>? Classes { get; init; }

    /// <summary>
    /// Name the objects with PASCAL VOC's 20 classes (<see cref="VocDataset.VocClasses"/>): an article of Fashion-MNIST
    /// label k is named class k or k + 10 at random, so a VOC-sized model (20 classes) reads the set. For checking the
    /// VOC pipeline at its class count (e.g. a dry run), not a set whose 20 classes can all be told apart.
    /// </summary>
    public bool PascalClasses { get; init; }

    /// <summary>The classes scenes hold: PASCAL's 20, or <see cref="Classes"/> in Fashion-MNIST label order, or all ten.</summary>
    public IReadOnlyList<string> ClassesDrawn()
    {
        if (PascalClasses)
            return Classes is null ? VocDataset.VocClasses : throw new ArgumentException("PASCAL class names take all ten Fashion-MNIST classes; leave Classes out.");
        return Articles();
    }

    /// <summary>The Fashion-MNIST classes whose articles are drawn.</summary>
    public IReadOnlyList<string> Articles()
    {
        if (Classes is null) return FashionMnistItems.Classes;
        var unknown = Classes.Where(c => !FashionMnistItems.Classes.Contains(c)).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"Unknown Fashion-MNIST class{(unknown.Count > 1 ? "es" : "")} {string.Join(", ", unknown.Select(c => $"'{c}'"))}; " +
                                        $"known: {string.Join(", ", FashionMnistItems.Classes)}.");
        if (Classes.Count == 0) throw new ArgumentException("Scenes need at least one class.");
        return FashionMnistItems.Classes.Where(Classes.Contains).ToList();
    }
}

/// <summary>
/// The embedded default detection data set: Fashion-MNIST articles (<see cref="FashionMnistItems"/>) pasted at varied
/// scales, several per image, onto cluttered backgrounds (colour gradient, random strokes and bars), annotated like
/// PASCAL VOC with tight boxes, so the same reader, training and evaluator run without the real data. Each article is
/// tinted with a random colour, its grey levels kept as shading and opacity, so its outline and texture, not its
/// colour, tell the class. Small articles are marked difficult, as VOC marks its tiny instances. Only articles of
/// <see cref="VocSceneSettings.Classes"/> are drawn.
/// </summary>
public sealed class VocSceneGenerator
{
    readonly FashionMnistItems items;
    /// <summary>Indices of the articles of the drawn classes.</summary>
    readonly int[] candidates;

    public VocSceneGenerator(FashionMnistItems items, VocSceneSettings? settings = null)
    {
        this.items = items;
        Settings = settings ?? new VocSceneSettings();
        var drawn = Settings.Articles();
        Settings.ClassesDrawn();
        candidates = Enumerable.Range(0, items.Count).Where(i => drawn.Contains(Classes[items.Label(i)])).ToArray();
    }

    /// <summary>Grey level from which an article pixel counts towards its bounding box.</summary>
    const byte InkThreshold = 24;

    public static IReadOnlyList<string> Classes => FashionMnistItems.Classes;

    public VocSceneSettings Settings { get; }

    /// <summary>Draws scene <paramref name="id"/> with a generator seeded by <paramref name="seed"/>.</summary>
    public (SKBitmap Image, VocAnnotation Annotation) Generate(string id, int seed, string extension = ".jpg")
    {
        if (candidates.Length == 0)
            throw new InvalidOperationException($"No Fashion-MNIST items of {string.Join(", ", Settings.Articles())} among the {items.Count} to draw scenes from.");
        var rng = new Random(seed);
        int width = Settings.ImageSize, height = Settings.ImageHeight ?? width;
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(bitmap);
        DrawBackground(canvas, rng, width, height, Settings.Clutter);

        var objects = new List<VocObject>();
        int wanted = rng.Next(Settings.MinObjects, Settings.MaxObjects + 1);
        for (int attempt = 0; objects.Count < wanted && attempt < wanted * 30; attempt++)
        {
            int side = rng.Next(Settings.MinObjectSize, Math.Min(Settings.MaxObjectSize, Math.Min(width, height)) + 1);
            int x = rng.Next(0, width - side + 1), y = rng.Next(0, height - side + 1);
            int item = candidates[rng.Next(candidates.Length)];
            var pixels = items.Item(item);
            if (!InkBounds(pixels, out var ink)) continue;
            double scale = (double)side / FashionMnistItems.Side;
            var box = new VocBox(Math.Max(1, Math.Floor(x + ink.Left * scale) + 1), Math.Max(1, Math.Floor(y + ink.Top * scale) + 1),
                                 Math.Min(width, Math.Ceiling(x + ink.Right * scale)), Math.Min(height, Math.Ceiling(y + ink.Bottom * scale)));
            if (objects.Any(o => o.Box.Iou(box) > Settings.MaxOverlap)) continue;
            DrawItem(canvas, pixels, new SKRect(x, y, x + side, y + side), rng);
            bool difficult = Math.Max(box.XMax - box.XMin + 1, box.YMax - box.YMin + 1) < Settings.DifficultBelow;
            int label = items.Label(item);
            objects.Add(new VocObject(Settings.PascalClasses ? VocDataset.VocClasses[label + 10 * rng.Next(2)] : Classes[label], box, difficult));
        }
        canvas.Flush();
        return (bitmap, new VocAnnotation(id, id + extension, width, height, 3, objects));
    }

    /// <summary>The smallest pixel rectangle (right/bottom exclusive) holding every pixel at or above the ink threshold.</summary>
    static bool InkBounds(ReadOnlySpan<byte> pixels, out SKRectI bounds)
    {
        int n = FashionMnistItems.Side, left = n, top = n, right = -1, bottom = -1;
        for (int r = 0; r < n; r++)
            for (int c = 0; c < n; c++)
                if (pixels[r * n + c] >= InkThreshold)
                    (left, top, right, bottom) = (Math.Min(left, c), Math.Min(top, r), Math.Max(right, c), Math.Max(bottom, r));
        bounds = new SKRectI(left, top, right + 1, bottom + 1);
        return right >= 0;
    }

    /// <summary>Pastes an article scaled into <paramref name="target"/>: a random tint shaded and made opaque by its grey levels.</summary>
    static void DrawItem(SKCanvas canvas, ReadOnlySpan<byte> pixels, SKRect target, Random rng)
    {
        var tint = Hsv(rng.Next(360), rng.Next(30, 100), rng.Next(60, 100));
        int n = FashionMnistItems.Side;
        using var item = new SKBitmap(new SKImageInfo(n, n, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var rgba = new byte[n * n * 4];
        for (int i = 0; i < n * n; i++)
        {
            double shade = 0.35 + 0.65 * pixels[i] / 255.0;
            rgba[4 * i] = (byte)(tint.Red * shade);
            rgba[4 * i + 1] = (byte)(tint.Green * shade);
            rgba[4 * i + 2] = (byte)(tint.Blue * shade);
            rgba[4 * i + 3] = (byte)Math.Min(255, 2 * pixels[i]);
        }
        System.Runtime.InteropServices.Marshal.Copy(rgba, 0, item.GetPixels(), rgba.Length);
        using var paint = new SKPaint { FilterQuality = SKFilterQuality.Medium, IsAntialias = true };
        canvas.DrawBitmap(item, target, paint);
    }

    static SKColor Hsv(float hue, float saturation, float value) => SKColor.FromHsv(((hue % 360) + 360) % 360, saturation, value);

    static void DrawBackground(SKCanvas canvas, Random rng, int width, int height, int clutter)
    {
        var a = Hsv(rng.Next(360), rng.Next(5, 40), rng.Next(30, 90));
        var b = Hsv(rng.Next(360), rng.Next(5, 40), rng.Next(30, 90));
        using var gradient = new SKPaint
        {
            Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(width, rng.Next(height)), [a, b], SKShaderTileMode.Clamp),
        };
        canvas.DrawRect(0, 0, width, height, gradient);
        using var stroke = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Stroke };
        for (int i = 0; i < clutter; i++)
        {
            stroke.Color = Hsv(rng.Next(360), rng.Next(0, 60), rng.Next(20, 100)).WithAlpha((byte)rng.Next(80, 200));
            stroke.StrokeWidth = 1 + (float)rng.NextDouble() * 3;
            if (rng.Next(2) == 0)
                canvas.DrawLine(rng.Next(width), rng.Next(height), rng.Next(width), rng.Next(height), stroke);
            else
            {
                float x = rng.Next(width), y = rng.Next(height);
                canvas.DrawRect(x, y, rng.Next(3, 12), rng.Next(3, 12), stroke);
            }
        }
    }
}
