using System.Globalization;

namespace DataPrep.Video;

/// <summary>The first video stream of a file as ffprobe reports it from the container header.</summary>
public sealed record VideoStreamInfo(string Codec, int Width, int Height, long Frames);

/// <summary>Reads a video's stream header with ffprobe, without decoding its frames.</summary>
public static class VideoProbe
{
    static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    /// <summary>The first video stream of <paramref name="path"/>, or null when ffprobe cannot read one.</summary>
    public static async Task<VideoStreamInfo?> TryReadAsync(string path, CancellationToken cancel = default)
    {
        var result = await ExternalTool.RunAsync("ffprobe",
            ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=codec_name,width,height,nb_frames",
             "-of", "default=noprint_wrappers=1", path], Limit, cancel: cancel);
        if (!result.Succeeded) return null;
        var fields = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split('=', 2)).Where(kv => kv.Length == 2).ToDictionary(kv => kv[0], kv => kv[1]);
        if (!fields.TryGetValue("codec_name", out var codec)) return null;
        return new VideoStreamInfo(codec, Int(fields, "width"), Int(fields, "height"),
            fields.TryGetValue("nb_frames", out var n) && long.TryParse(n, CultureInfo.InvariantCulture, out var f) ? f : 0);
    }

    static int Int(Dictionary<string, string> fields, string key) =>
        fields.TryGetValue(key, out var v) && int.TryParse(v, CultureInfo.InvariantCulture, out var i) ? i : 0;
}
