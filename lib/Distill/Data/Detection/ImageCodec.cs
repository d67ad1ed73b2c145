using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Data.Detection;

/// <summary>
/// Image files to tensors and back through SkiaSharp (JPEG and PNG; native libSkiaSharp from
/// SkiaSharp.NativeAssets.Linux.NoDependencies, so no system libraries are needed).
/// </summary>
public static class ImageCodec
{
    /// <summary>Decodes an image file to a float tensor [3, H, W] with values in [0, 1].</summary>
    public static Tensor Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Image {path} does not exist.", path);
        using var decoded = SKBitmap.Decode(path) ?? throw new InvalidDataException($"{path}: not a JPEG/PNG image SkiaSharp can decode.");
        using var rgba = ToRgba(decoded);
        var bytes = rgba.GetPixelSpan().ToArray();
        using var scope = NewDisposeScope();
        var hwc = tensor(bytes, dtype: uint8).view(rgba.Height, rgba.Width, 4);
        using var byteMax = 255f.ToScalar();   // disposed after the call: an implicit Scalar could be finalized during it
        return hwc[.., .., 0..3].permute(2, 0, 1).to_type(float32).div_(byteMax).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>Writes a bitmap as JPEG or PNG, chosen by the file extension.</summary>
    public static void Save(SKBitmap bitmap, string path, int jpegQuality = 92)
    {
        var format = Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".jpg" or ".jpeg" => SKEncodedImageFormat.Jpeg,
            ".png" => SKEncodedImageFormat.Png,
            var other => throw new ArgumentException($"{path}: unsupported image extension '{other}' (use .jpg or .png)."),
        };
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, jpegQuality) ?? throw new IOException($"{path}: SkiaSharp could not encode {format}.");
        using var file = File.Create(path);
        data.SaveTo(file);
    }

    /// <summary>The image drawn over black into RGBA bytes (transparent PNG pixels become black).</summary>
    static SKBitmap ToRgba(SKBitmap source)
    {
        var target = new SKBitmap(new SKImageInfo(source.Width, source.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(target);
        canvas.Clear(SKColors.Black);
        canvas.DrawBitmap(source, 0, 0);
        return target;
    }
}
