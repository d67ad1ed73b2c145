// Throughput of the compressed-domain reader (Wu et al., "Compressed Video Action Recognition", CVPR 2018, as used by
// "Multi-teacher Knowledge Distillation for Compressed Video Action Recognition"): frames per second for extracting
// every GOP's I-frame (RGB), each P-frame's motion-vector field and residual, against `ffmpeg -i FILE -f null -`,
// FFmpeg's own plain decode of the same file on the same machine, and against floors: decode + RGB of every frame
// (CoViAR's residual is an RGB difference) and the same plus zeroing the stream buffers the extraction fills.
// Both wall and CPU time are reported: on a shared machine wall time mostly measures the neighbours' load.
// The sampled rows read what a training or test loader reads for one video (SegmentSampler's centre frames).
//
// usage: video-throughput VIDEO [--repeats N] [--threads N]
//   --threads: decoder threads for both sides (default 1; 0 = FFmpeg's automatic choice, as plain `ffmpeg -i` uses).
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Distill.Data.Video;

var (video, repeats, threads) = ParseArguments(args);
if (video is null) return 2;

// Warm-up: JIT, page cache, the shim's first load.
var info = GopReader.Index(video, threads);
Extract(video, threads, accumulate: false);
RunFfmpeg(video, threads, exportVectors: false);

var ffmpeg = Best(repeats, () => RunFfmpeg(video, threads, exportVectors: false));
var ffmpegVectors = Best(repeats, () => RunFfmpeg(video, threads, exportVectors: true));
var ffmpegRgb = Best(repeats, () => RunFfmpeg(video, threads, exportVectors: false, rgb: true));
var decode = Best(repeats, () => InProcess(() => GopReader.Index(video, threads)));
var decodeRgb = Best(repeats, () => InProcess(() => DecodeRgb(video, threads, streamBuffers: 0)));
var decodeRgbWrite = Best(repeats, () => InProcess(() => DecodeRgb(video, threads, streamBuffers: 1)));
var decodeRgbWriteAccumulated = Best(repeats, () => InProcess(() => DecodeRgb(video, threads, streamBuffers: 2)));
var extract = Best(repeats, () => InProcess(() => Extract(video, threads, accumulate: false)));
var accumulated = Best(repeats, () => InProcess(() => Extract(video, threads, accumulate: true)));
var kept = Best(repeats, () => InProcess(() => KeepGops(video, threads)));
var test25 = Best(repeats, () => InProcess(() => ExtractSampled(info, SegmentSampler.TestSegments, threads)));
var train3 = Best(repeats, () => InProcess(() => ExtractSampled(info, SegmentSampler.TrainSegments, threads)));

int frames = info.FrameCount;
string threadsText = threads == 0 ? "auto" : threads.ToString(CultureInfo.InvariantCulture);
Console.WriteLine($"video: {video} ({info.Codec}, {info.Width}x{info.Height}, {frames} frames, {info.GopStarts.Count} GOPs), " +
                  $"decoder threads: {threadsText}, best of {repeats}, {Environment.ProcessorCount} cores");
Console.WriteLine("wall = elapsed time; cpu = user + system time of the process (ffmpeg: its -benchmark utime + stime, startup excluded)");
Console.WriteLine($"{"what",-50} {"wall s",7} {"wall f/s",9} {"cpu s",7} {"cpu f/s",9} {"x ffmpeg",8}");
Report($"ffmpeg -threads {threadsText} -i VIDEO -f null -", ffmpeg);
Report("  the same with -flags2 +export_mvs", ffmpegVectors);
Report("  the same converted to RGB24 (-pix_fmt rgb24)", ffmpegRgb);
Report("reader: decode + exported MVs, no pixel work", decode);
Report("reader: the same + every frame's RGB (no streams)", decodeRgb);
Report("  + each P-frame's field and residual bytes zeroed", decodeRgbWrite);
Report("  + the accumulated field and residual bytes too", decodeRgbWriteAccumulated);
Report("extraction: I-frame RGB + MV field + residual", extract);
Report("extraction + CoViAR accumulated MV and residual", accumulated);
Report("extraction kept as GOPs (GopReader, arrays per frame)", kept);
Report($"sampled: {SegmentSampler.TestSegments} TSN test segments (I + MV + residual)", test25);
Report($"sampled: {SegmentSampler.TrainSegments} TSN segments (training)", train3);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"by cpu time, x ffmpeg decode (issue 17's goal) and x the floor row (decode + RGB + the bytes zeroed): extraction {ffmpeg.Cpu / extract.Cpu:F2} " +
    $"(goal 0.90, floor {ffmpeg.Cpu / decodeRgbWrite.Cpu:F2}, {decodeRgbWrite.Cpu / extract.Cpu:F2} of it); accumulated {ffmpeg.Cpu / accumulated.Cpu:F2} " +
    $"(goal 0.70, floor {ffmpeg.Cpu / decodeRgbWriteAccumulated.Cpu:F2}, {decodeRgbWriteAccumulated.Cpu / accumulated.Cpu:F2} of it); GopReader {ffmpeg.Cpu / kept.Cpu:F2} (goal 0.50)"));
return 0;

void Report(string what, Timing t) =>
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{what,-50} {t.Wall,7:F3} {frames / t.Wall,9:F0} {t.Cpu,7:F3} {frames / t.Cpu,9:F0} {ffmpeg.Cpu / t.Cpu,8:F2}"));

// The streaming path a loader uses: every frame's streams computed into reused buffers.
static void Extract(string path, int threads, bool accumulate)
{
    long checksum = 0;
    foreach (var f in CompressedFrames.Read(path, accumulate, threads: threads))
        checksum += f.IFrame[0] + f.MotionVectors[0] + f.Residual[0];
    GC.KeepAlive(checksum);
}

// Every frame decoded and converted to RGB, nothing else: what any extraction of RGB-domain residuals (CoViAR's
// definition: decoded frame minus the motion-compensated previous decoded frame, both RGB) costs before its own work.
// streamBuffers 1: also memset each P-frame's field (H x W x 2) and residual (H x W x 3) int16 buffers, the cheapest
// possible way of producing that many bytes: a floor for the extraction with the output format the library promises;
// 2: the accumulated field and residual buffers as well (the floor for the accumulated extraction).
static void DecodeRgb(string path, int threads, int streamBuffers)
{
    using var reader = new CompressedVideoReader(path, threads);
    byte[] rgb = [];
    short[][] streams = [];
    long checksum = 0;
    while (reader.Next())
    {
        var info = reader.Current;
        int pixels = info.Width * info.Height;
        if (rgb.Length != pixels * 3)
        {
            rgb = new byte[pixels * 3];
            streams = [.. Enumerable.Range(0, 2 * streamBuffers).Select(i => new short[pixels * (i % 2 == 0 ? 2 : 3)])];
        }
        reader.ReadRgb(rgb);
        checksum += rgb[0];
        if (info.Type != PictureType.P) continue;
        foreach (var s in streams)
        {
            s.AsSpan().Clear();
            checksum += s[^1];
        }
    }
    GC.KeepAlive(checksum);
}

// What SegmentStreams.Load reads for one video: the sampled frames' streams and the RGB references leading to them.
static void ExtractSampled(VideoIndex index, int segments, int threads)
{
    var frames = SegmentSampler.Test(index.FrameCount, segments, CompressedStream.MotionVector);
    var sampled = frames.Select(f => SegmentSampler.Locate(index, f, CompressedStream.IFrame))
        .Concat(frames.Select(f => SegmentSampler.Locate(index, f, CompressedStream.MotionVector))).ToHashSet();
    long checksum = 0;
    foreach (var f in CompressedFrames.Read(index.Path, sampled, threads: threads))
        checksum += f.IFrame[0] + f.MotionVectors[0] + f.Residual[0];
    GC.KeepAlive(checksum);
}

static void KeepGops(string path, int threads)
{
    long checksum = 0;
    foreach (var gop in GopReader.Read(path, threads: threads))
        checksum += gop.IFrame[0] + gop.PFrames.Sum(p => p.MotionVectors[0] + p.Residual[0]);
    GC.KeepAlive(checksum);
}

static Timing InProcess(Action run)
{
    var self = Process.GetCurrentProcess();
    var cpu0 = self.TotalProcessorTime;
    var clock = Stopwatch.StartNew();
    run();
    double wall = clock.Elapsed.TotalSeconds;
    self.Refresh();
    return new Timing(wall, (self.TotalProcessorTime - cpu0).TotalSeconds);
}

// ffmpeg's -benchmark line: "bench: utime=0.116s stime=0.006s rtime=0.464s", timed from the start of decoding.
// rgb: the decoded frames go through FFmpeg's own YUV -> RGB24 conversion (swscale) before the null muxer.
static Timing RunFfmpeg(string path, int threads, bool exportVectors, bool rgb = false)
{
    var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
    string[] vectors = exportVectors ? ["-flags2", "+export_mvs"] : [];
    foreach (var a in (string[])["-hide_banner", "-nostats", "-nostdin", "-benchmark", "-threads", threads.ToString(CultureInfo.InvariantCulture), .. vectors, "-i", path, .. (rgb ? (string[])["-pix_fmt", "rgb24"] : []), "-f", "null", "-"])
        psi.ArgumentList.Add(a);
    var clock = Stopwatch.StartNew();
    using var process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start ffmpeg (apt-get install -y ffmpeg)");
    var stdout = process.StandardOutput.ReadToEndAsync();
    var stderr = process.StandardError.ReadToEnd();
    process.WaitForExit();
    double wall = clock.Elapsed.TotalSeconds;
    if (process.ExitCode != 0) throw new InvalidOperationException($"ffmpeg failed on {path}: {stderr}");
    var bench = Regex.Match(stdout.Result + stderr, @"bench: utime=([0-9.]+)s stime=([0-9.]+)s");
    if (!bench.Success) throw new InvalidOperationException($"ffmpeg printed no -benchmark line for {path}");
    double Seconds(int g) => double.Parse(bench.Groups[g].Value, CultureInfo.InvariantCulture);
    return new Timing(wall, Seconds(1) + Seconds(2));
}

static Timing Best(int repeats, Func<Timing> run)
{
    var runs = Enumerable.Range(0, repeats).Select(_ => run()).ToList();
    return new Timing(runs.Min(r => r.Wall), runs.Min(r => r.Cpu));
}

static (string? Video, int Repeats, int Threads) ParseArguments(string[] args)
{
    string? video = null;
    int repeats = 3, threads = 1;
    for (int i = 0; i < args.Length; i++)
    {
        if (args[i] == "--repeats" && i + 1 < args.Length && int.TryParse(args[++i], out var r) && r > 0) repeats = r;
        else if (args[i] == "--threads" && i + 1 < args.Length && int.TryParse(args[++i], out var t) && t >= 0) threads = t;
        else if (!args[i].StartsWith("--", StringComparison.Ordinal) && video is null) video = args[i];
        else { video = null; break; }
    }
    if (video is null || !File.Exists(video))
    {
        Console.Error.WriteLine("usage: video-throughput VIDEO [--repeats N] [--threads N]   (VIDEO must exist)");
        return (null, repeats, threads);
    }
    return (video, repeats, threads);
}

/// <summary>One measured run: elapsed seconds and the process's user + system CPU seconds.</summary>
record Timing(double Wall, double Cpu);
