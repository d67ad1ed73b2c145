using System.Diagnostics;

namespace Distill.Tests.Video;

/// <summary>
/// Writes tiny MPEG-4 Part 2 test videos with FFmpeg's real encoder: a smooth textured patch translated by an exact
/// whole-pixel offset per frame over a static textured background, fed to ffmpeg as raw RGB frames on stdin.
/// </summary>
sealed class SyntheticVideo : IDisposable
{
    public const int Width = 160, Height = 96, Frames = 24, Gop = 12, PatchSize = 32;
    public static readonly (int X, int Y) Start = (8, 56);
    public static readonly (int X, int Y) Shift = (4, -2);

    public SyntheticVideo()
    {
        Folder = Directory.CreateTempSubdirectory("distill-video-").FullName;
        Path = System.IO.Path.Combine(Folder, "moving-patch.avi");
        var background = Texture(Width, Height, seed: 1);
        var patch = Texture(PatchSize, PatchSize, seed: 2);
        Encode(Path, Enumerable.Range(0, Frames).Select(t => Compose(background, patch, PatchAt(t))));
    }

    public string Folder { get; }

    public string Path { get; }

    /// <summary>Top-left corner of the patch in frame t.</summary>
    public static (int X, int Y) PatchAt(int t) => (Start.X + Shift.X * t, Start.Y + Shift.Y * t);

    /// <summary>Encodes RGB24 frames of Width x Height with -c:v mpeg4 -q:v 1 -g 12 -bf 0 into an AVI file.</summary>
    public static void Encode(string path, IEnumerable<byte[]> frames)
    {
        var psi = new ProcessStartInfo("ffmpeg",
            $"-v error -y -f rawvideo -pix_fmt rgb24 -s {Width}x{Height} -r 25 -i - -c:v mpeg4 -q:v 1 -g {Gop} -bf 0 -sc_threshold 1000000000 \"{path}\"")
        { RedirectStandardInput = true, RedirectStandardError = true, UseShellExecute = false };
        using var ffmpeg = Process.Start(psi) ?? throw new InvalidOperationException("cannot start ffmpeg");
        var stderr = ffmpeg.StandardError.ReadToEndAsync();
        using (var stdin = ffmpeg.StandardInput.BaseStream)
            foreach (var frame in frames) stdin.Write(frame);
        ffmpeg.WaitForExit();
        if (ffmpeg.ExitCode != 0) throw new InvalidOperationException($"ffmpeg failed: {stderr.Result}");
    }

    /// <summary>Runs ffmpeg with <paramref name="arguments"/> (after -v error -y), e.g. to encode a lavfi test source.</summary>
    public static void Ffmpeg(string arguments)
    {
        var psi = new ProcessStartInfo("ffmpeg", "-v error -y " + arguments) { RedirectStandardError = true, UseShellExecute = false };
        using var ffmpeg = Process.Start(psi) ?? throw new InvalidOperationException("cannot start ffmpeg");
        var stderr = ffmpeg.StandardError.ReadToEnd();
        ffmpeg.WaitForExit();
        if (ffmpeg.ExitCode != 0) throw new InvalidOperationException($"ffmpeg {arguments} failed: {stderr}");
    }

    /// <summary>A smooth random texture: bilinearly upsampled random values on an 8-pixel grid, per channel.</summary>
    internal static byte[] Texture(int width, int height, int seed)
    {
        var rng = new Random(seed);
        const int cell = 8;
        int gw = width / cell + 2, gh = height / cell + 2;
        var grid = new double[gh, gw, 3];
        for (int y = 0; y < gh; y++)
            for (int x = 0; x < gw; x++)
                for (int c = 0; c < 3; c++) grid[y, x, c] = 30 + 195 * rng.NextDouble();
        var image = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                double fy = (double)y / cell, fx = (double)x / cell;
                int y0 = (int)fy, x0 = (int)fx;
                double ay = fy - y0, ax = fx - x0;
                for (int c = 0; c < 3; c++)
                {
                    double v = (1 - ay) * ((1 - ax) * grid[y0, x0, c] + ax * grid[y0, x0 + 1, c])
                               + ay * ((1 - ax) * grid[y0 + 1, x0, c] + ax * grid[y0 + 1, x0 + 1, c]);
                    image[(y * width + x) * 3 + c] = (byte)Math.Round(v);
                }
            }
        return image;
    }

    internal static byte[] Compose(byte[] background, byte[] patch, (int X, int Y) at)
    {
        var frame = (byte[])background.Clone();
        for (int y = 0; y < PatchSize; y++)
            Array.Copy(patch, y * PatchSize * 3, frame, ((at.Y + y) * Width + at.X) * 3, PatchSize * 3);
        return frame;
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
