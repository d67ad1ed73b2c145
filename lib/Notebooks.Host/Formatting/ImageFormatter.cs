using System.Buffers.Binary;
using Notebooks.Host.Notebook;

namespace Notebooks.Host.Formatting;

/// <summary>
/// PNG images: a byte[] that starts with the PNG signature, or any object with a public byte[] ToPng() method
/// (e.g. an image type of the library). Shown as an &lt;img&gt; with a data URI; text/plain gives the size.
/// </summary>
public static class ImageFormatter
{
    static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public static bool IsPng(byte[] bytes) => bytes.Length >= 24 && bytes.AsSpan(0, 8).SequenceEqual(Signature);

    public static MimeBundle? TryFormat(object value)
    {
        var png = value as byte[];
        if (png is null && value.GetType().GetMethod("ToPng", Type.EmptyTypes) is { } toPng && toPng.ReturnType == typeof(byte[]))
            png = (byte[]?)toPng.Invoke(value, null);
        if (png is null || !IsPng(png)) return null;
        int width = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4));
        int height = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20, 4));
        var base64 = Convert.ToBase64String(png);
        return new MimeBundle
        {
            [MimeBundle.Png] = base64,
            [MimeBundle.Html] = $"<img src=\"data:image/png;base64,{base64}\" width=\"{width}\" height=\"{height}\" alt=\"PNG image {width}x{height}\"/>",
            [MimeBundle.Plain] = $"PNG image {width}x{height} ({png.Length} bytes)",
        };
    }
}
