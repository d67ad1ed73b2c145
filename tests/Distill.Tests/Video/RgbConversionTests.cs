using System.Diagnostics;
using Distill.Data.Video;

namespace Distill.Tests.Video;

/// <summary>
/// The shim's own 4:2:0 -> RGB24 conversion (Native/dv_yuv420.c) on real decoded frames of a CoViAR-width video
/// (340 pixels, not a multiple of the converters' 8/16/32-pixel steps): bit-exact to its documented fixed-point
/// formula, within one level of the exact BT.601 formula, every pixel written, and within swscale's own error of
/// ffmpeg's RGB24 output.
/// </summary>
public sealed class RgbConversionTests : IDisposable
{
    const int Width = 340, Height = 64, Frames = 3;
    readonly string folder = Directory.CreateTempSubdirectory("distill-rgb-").FullName;
    readonly string path;

    public RgbConversionTests()
    {
        path = Path.Combine(folder, "testsrc2-340.avi");
        Ffmpeg($"-f lavfi -i testsrc2=size={Width}x{Height}:rate=25:duration=1 -frames:v {Frames} -c:v mpeg4 -q:v 1 -g 12 -bf 0 \"{path}\"");
    }

    [Fact]
    public void EveryPixelMatchesTheFixedPointFormulaAndIsWithinOneLevelOfBt601()
    {
        var yuv = Ffmpeg($"-i \"{path}\" -f rawvideo -pix_fmt yuv420p -");
        int frameBytes = Width * Height * 3 / 2;
        Assert.Equal(Frames * frameBytes, yuv.Length);
        using var reader = new CompressedVideoReader(path);
        int frame = 0, exact = 0, total = 0;
        while (reader.Next())
        {
            var rgb = new byte[Width * Height * 3];
            Array.Fill(rgb, (byte)0xAB); // a pixel the converter skipped would keep this
            reader.ReadRgb(rgb);
            var planes = yuv.AsSpan(frame * frameBytes, frameBytes);
            for (int y = 0; y < Height; y++)
                for (int x = 0; x < Width; x++)
                {
                    int luma = planes[y * Width + x];
                    int u = planes[Width * Height + (y / 2) * (Width / 2) + x / 2];
                    int v = planes[Width * Height * 5 / 4 + (y / 2) * (Width / 2) + x / 2];
                    var fixedPoint = FixedPoint(luma, u, v);
                    var bt601 = Bt601(luma, u, v);
                    for (int c = 0; c < 3; c++)
                    {
                        int got = rgb[(y * Width + x) * 3 + c];
                        Assert.True(fixedPoint[c] == got, $"frame {frame} ({x},{y}) channel {c}: {got}, formula gives {fixedPoint[c]}");
                        Assert.True(Math.Abs(got - bt601[c]) <= 1, $"frame {frame} ({x},{y}) channel {c}: {got}, BT.601 gives {bt601[c]}");
                        exact += got == bt601[c] ? 1 : 0;
                        total++;
                    }
                }
            frame++;
        }
        Assert.Equal(Frames, frame);
        Assert.True(exact > 0.99 * total, $"{exact} of {total} values equal the rounded BT.601 value");
    }

    [Fact]
    public void ConversionIsWithinSwscalesErrorOfFfmpegsOwnRgb24()
    {
        // swscale's x86 converter (what `ffmpeg -pix_fmt rgb24` uses) rounds with ~13-bit coefficients and lands up to
        // 3 levels below the exact BT.601 value; ours is within 1 of it, so the two may differ by up to 3.
        var expected = Ffmpeg($"-i \"{path}\" -f rawvideo -pix_fmt rgb24 -");
        using var reader = new CompressedVideoReader(path);
        int frame = 0, worst = 0;
        while (reader.Next())
        {
            var rgb = new byte[Width * Height * 3];
            reader.ReadRgb(rgb);
            for (int i = 0; i < rgb.Length; i++) worst = Math.Max(worst, Math.Abs(rgb[i] - expected[frame * rgb.Length + i]));
            frame++;
        }
        Assert.Equal(Frames, frame);
        Assert.InRange(worst, 1, 3);
    }

    [Fact]
    public void SwscaleFallbackWritesEveryPixelOfAFormatTheOwnConverterDoesNotTake()
    {
        // 4:4:4 goes through swscale; 202 pixels is no whole number of its 8-pixel steps, the case where a tight
        // destination stride made swscale skip the last pixels of each row.
        var video = Path.Combine(folder, "testsrc2-444.mkv");
        Ffmpeg($"-f lavfi -i testsrc2=size=202x48:rate=25:duration=1 -frames:v 2 -c:v libx264 -pix_fmt yuv444p \"{video}\"");
        var expected = Ffmpeg($"-i \"{video}\" -f rawvideo -pix_fmt rgb24 -");
        using var reader = new CompressedVideoReader(video);
        int frame = 0, worst = 0;
        while (reader.Next())
        {
            var rgb = new byte[202 * 48 * 3];
            Array.Fill(rgb, (byte)0xAB);
            reader.ReadRgb(rgb);
            for (int i = 0; i < rgb.Length; i++) worst = Math.Max(worst, Math.Abs(rgb[i] - expected[frame * rgb.Length + i]));
            frame++;
        }
        Assert.Equal(2, frame);
        Assert.InRange(worst, 0, 3);
    }

    /// <summary>The shim's documented fixed-point formula (dv_yuv420.c), computed here one value at a time.</summary>
    static int[] FixedPoint(int luma, int u, int v)
    {
        static int MulHi(int a, int b) => (a * b) >> 16;
        static int Sat(int t) => Math.Clamp(t >> 6, 0, 255);
        int du = u - 128, dv = v - 128, yt = (luma << 8) * 19077 >> 16;
        const int k = 32 - 1192;
        return [Sat(yt + MulHi(dv * 256, 26149) + k), Sat(yt - MulHi(du * 256, 6419) - MulHi(dv * 256, 13320) + k),
                Sat(yt + du * 128 + MulHi(du * 256, 282) + k)];
    }

    /// <summary>ITU-R BT.601, limited range, rounded to the nearest level.</summary>
    static int[] Bt601(int luma, int u, int v)
    {
        double c = 1.164383 * (luma - 16), du = u - 128, dv = v - 128;
        return [Level(c + 1.596027 * dv), Level(c - 0.391762 * du - 0.812968 * dv), Level(c + 2.017232 * du)];
    }

    static int Level(double value) => (int)Math.Clamp(Math.Round(value), 0, 255);

    static byte[] Ffmpeg(string arguments)
    {
        var psi = new ProcessStartInfo("ffmpeg", "-v error -y " + arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var ffmpeg = Process.Start(psi) ?? throw new InvalidOperationException("cannot start ffmpeg");
        var stderr = ffmpeg.StandardError.ReadToEndAsync();
        using var output = new MemoryStream();
        ffmpeg.StandardOutput.BaseStream.CopyTo(output);
        ffmpeg.WaitForExit();
        Assert.True(ffmpeg.ExitCode == 0, stderr.Result);
        return output.ToArray();
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
