using System.Buffers.Binary;
using Distill.Reports;
using Microsoft.DotNet.Interactive.Formatting;

namespace Distill.Interactive.Formatting;

/// <summary>
/// The library's pictures (<see cref="IPicture"/>: stream pictures, detections drawn on test images) as image/png, the
/// mime type VS Code, Jupyter and the HTML report all draw; text/plain gives the size.
/// </summary>
static class PictureFormatter
{
    public const string PngMimeType = "image/png";

    public static void Register()
    {
        Formatter.Register<IPicture>((picture, writer) => writer.Write(Convert.ToBase64String(picture.ToPng())), PngMimeType);
        Formatter.Register<IPicture>((picture, writer) => writer.Write(Describe(picture.ToPng())), PlainTextFormatter.MimeType);
        Formatter.SetPreferredMimeTypesFor(typeof(IPicture), PngMimeType, PlainTextFormatter.MimeType);
    }

    /// <summary>"PNG image WxH (N bytes)", read from the IHDR chunk.</summary>
    public static string Describe(byte[] png) =>
        png.Length < 24 ? $"not a PNG image ({png.Length} bytes)"
            : $"PNG image {BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4))}x{BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20, 4))} ({png.Length} bytes)";
}
