using DataPrep.Video;

namespace DataPrep.Tests.Video;

/// <summary>Source clips for the tests, made by ffmpeg's test-pattern source, and ffprobe's view of an encode.</summary>
static class TestVideos
{
    /// <summary>An AVI with Motion-JPEG frames (not MPEG-4, not CoViAR's size), as a stand-in for a UCF-101 clip.</summary>
    public static async Task<string> MjpegAviAsync(string path, int frames, int width = 160, int height = 120)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var result = await ExternalTool.RunAsync("ffmpeg",
            ["-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", $"testsrc=size={width}x{height}:rate=25",
             "-frames:v", frames.ToString(), "-c:v", "mjpeg", path], TimeSpan.FromMinutes(1));
        Assert.True(result.Succeeded, result.StdErr);
        return path;
    }

    /// <summary>The picture types of every decoded frame, e.g. "IPPP...", read with ffprobe.</summary>
    public static async Task<string> PictureTypesAsync(string path)
    {
        var result = await ExternalTool.RunAsync("ffprobe",
            ["-v", "error", "-select_streams", "v:0", "-show_entries", "frame=pict_type", "-of", "csv=p=0", path],
            TimeSpan.FromMinutes(1));
        Assert.True(result.Succeeded, result.StdErr);
        return string.Concat(result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    /// <summary>CoViAR's GOP pattern: an I-frame every 12 frames, P-frames between, no B-frames.</summary>
    public static string Gop12Pattern(int frames) => string.Concat(Enumerable.Range(0, frames).Select(i => i % 12 == 0 ? 'I' : 'P'));
}
