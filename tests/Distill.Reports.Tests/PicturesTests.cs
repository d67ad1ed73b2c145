using SkiaSharp;

namespace Distill.Reports.Tests;

/// <summary>The pictures: HSV colours of the motion-vector flow image, and the layout and pixels of the detection grid.</summary>
public class PicturesTests
{
    [Theory]
    [InlineData(0, 1, 1, 255, 0, 0)]
    [InlineData(60, 1, 1, 255, 255, 0)]
    [InlineData(120, 1, 1, 0, 255, 0)]
    [InlineData(180, 1, 1, 0, 255, 255)]
    [InlineData(240, 1, 1, 0, 0, 255)]
    [InlineData(300, 1, 1, 255, 0, 255)]
    [InlineData(90, 1, 0, 0, 0, 0)]            // no magnitude: a still pixel is black
    [InlineData(90, 0, 0.5, 128, 128, 128)]    // no saturation: grey of the value
    [InlineData(30, 1, 0.5, 128, 64, 0)]
    public void HsvGivesTheTextbookColours(double hue, double s, double v, byte r, byte g, byte b) =>
        Assert.Equal((r, g, b), StreamPictures.Hsv(hue, s, v));

    [Fact]
    public void GridLaysPanelsOutUnderHeadersAndKeepsTheirPixels()
    {
        // Two models (columns) x one image (row); 6x4 panels, scaled 2x. The first panel is pure red, the second blue.
        static BoxDrawing.Panel Solid(byte r, byte g, byte b) =>
            new(6, 4, Enumerable.Range(0, 24).SelectMany(_ => new[] { r, g, b, (byte)255 }).ToArray(), [], []);
        var png = BoxDrawing.Grid(["teacher", "student"], [[Solid(255, 0, 0)], [Solid(0, 0, 255)]], ["bag"], scale: 2);
        using var bitmap = SKBitmap.Decode(png);
        const int gap = 6, header = 34, cellW = 12, cellH = 8;
        Assert.Equal((2 * (cellW + gap) + gap, header + cellH + 2 * gap), (bitmap.Width, bitmap.Height));
        Assert.Equal(new SKColor(255, 0, 0), bitmap.GetPixel(gap + cellW / 2, header + cellH / 2));
        Assert.Equal(new SKColor(0, 0, 255), bitmap.GetPixel(2 * gap + cellW + cellW / 2, header + cellH / 2));
        Assert.Equal(SKColors.White, bitmap.GetPixel(gap / 2, header + cellH / 2));   // the gap between panels
        Assert.Throws<ArgumentException>(() => BoxDrawing.Grid(["one header"], [[Solid(0, 0, 0)], [Solid(0, 0, 0)]], ["bag"]));
    }
}
