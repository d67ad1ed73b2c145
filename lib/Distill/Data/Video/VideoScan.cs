namespace Distill.Data.Video;

/// <summary>A file the scan could not read, with the reason.</summary>
public sealed record VideoFailure(string Path, string Reason);

/// <summary>The readable videos of a scan (with their GOP layout) and the ones that failed.</summary>
public sealed record VideoScanResult(IReadOnlyList<VideoIndex> Good, IReadOnlyList<VideoFailure> Failed)
{
    public override string ToString() => $"{Good.Count} videos readable, {Failed.Count} skipped";
}

/// <summary>
/// Decodes every file once (no pixel work) so data preparation and training can skip damaged videos and report
/// how many there were, instead of failing mid-epoch. Missing, truncated and corrupt files become failures; files the
/// decoder only got through by concealing damage are skipped, refused or kept as <paramref name="damaged"/> says.
/// </summary>
public static class VideoScan
{
    public static VideoScanResult Run(IEnumerable<string> paths, int threads = 1, DamagedVideoPolicy damaged = DamagedVideoPolicy.Skip)
    {
        var good = new List<VideoIndex>();
        var failed = new List<VideoFailure>();
        foreach (var path in paths)
        {
            VideoIndex index;
            try { index = GopReader.Index(path, threads); }
            catch (VideoDecodeException e) { failed.Add(new VideoFailure(path, e.Detail)); continue; }
            if (damaged.Judge(index) is { } failure) failed.Add(failure);
            else good.Add(index);
        }
        return new VideoScanResult(good, failed);
    }
}
