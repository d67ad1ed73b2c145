using Distill.Data.Video;
using Distill.Tests.Video;
using Xunit.Abstractions;

namespace Distill.Tests.Fuzz;

/// <summary>
/// Issue 15's fuzz suite for the compressed-domain video reader: seeded mutations (byte flips, truncation, zeroed runs,
/// appended or repeated bytes, forged AVI header and chunk sizes) of small ffmpeg-written MPEG-4 Part 2 and MS-MPEG4v3
/// AVI files, read through the whole GOP pipeline. Every input ends in success (damage counted) or a
/// <see cref="VideoDecodeException"/> naming the file; an accepted input that decodes fewer frames than the clean file
/// must have them counted as damaged. Inputs per format: $DISTILL_FUZZ_INPUTS (300).
/// </summary>
public sealed class VideoFuzzTests(ITestOutputHelper output)
{
    const int Width = 176, Height = 144, Frames = 24;

    /// <summary>AVI fields worth forging: the main header's frame count and sizes, the stream header's length, every chunk size.</summary>
    static IReadOnlyList<Field> AviFields(byte[] avi)
    {
        var fields = new List<Field>();
        for (int i = 0; i + 8 <= avi.Length; i++)
        {
            var tag = System.Text.Encoding.ASCII.GetString(avi, i, 4);
            if (tag == "avih") fields.AddRange([new(i + 4, 4), new(i + 8 + 16, 4), new(i + 8 + 32, 4), new(i + 8 + 36, 4)]);
            else if (tag == "strh") fields.AddRange([new(i + 4, 4), new(i + 8 + 32, 4)]);
            else if (tag is "00dc" or "idx1" or "movi" or "LIST" or "strf") fields.Add(new(i + 4, 4));
        }
        return fields;
    }

    void Fuzz(string format, string codec)
    {
        using var target = new FuzzTarget(format);
        var path = Path.Combine(target.Root, "clip.avi");
        SyntheticVideo.Ffmpeg($"-f lavfi -i testsrc2=size={Width}x{Height}:rate=25 -frames:v {Frames} -c:v {codec} -g 12 -bf 0 \"{path}\"");
        target.Snapshot();
        var original = target.Original(path);
        var fields = AviFields(original);
        long cleanDigest = Digest(path);
        int damaged = 0, silentlyAltered = 0;
        var framesLost = new List<string>();
        string current = "";
        var figures = FuzzRun.Run(format, FuzzRun.Inputs(), k =>
        {
            var (bytes, kind) = new Mutator(k).Mutate(original, fields);
            current = $"input {k} ({kind})";
            File.WriteAllBytes(path, bytes);
            // What the reader keeps per frame (RGB, vector fields, residuals, accumulated copies) is justified by the
            // frames the clean file holds, not by its compressed bytes.
            return new FuzzRun.Input(kind, bytes.Length + 48L * Width * Height * Frames);
        }, () =>
        {
            var index = GopReader.Index(path);
            long digest = Digest(path);
            if (index.DamagedFrames > 0) damaged++;
            else if (index.FrameCount != Frames) framesLost.Add($"{current}: {index.FrameCount} frames");
            else if (digest != cleanDigest) silentlyAltered++;
        }, e => e is VideoDecodeException v && v.Path == path && v.Message.StartsWith(path + ": ", StringComparison.Ordinal),
        target.Restore, output);
        // Frames lost without a count would be finding 6 again. Other pixels with all frames present and no count are
        // mutations the bitstream still parses as valid (a flipped coefficient): no decoder can tell, so they are reported.
        output.WriteLine($"{format}: of the {figures.Accepted} accepted inputs {damaged} decoded with damage counted, {framesLost.Count} lost " +
                         $"frames without a count, {silentlyAltered} decoded other pixels from a stream that parses as valid; " +
                         $"process peak resident memory {PeakResidentKiB() / 1024} MiB");
        Assert.InRange(figures.CleanErrors, 1, figures.Inputs - 1);
        Assert.Empty(framesLost);
    }

    /// <summary>A digest of everything the GOP pipeline yields: I-frame pixels, vector fields, residuals, accumulated ones.</summary>
    static long Digest(string path)
    {
        var hash = new HashCode();
        foreach (var gop in GopReader.Read(path, accumulate: true))
        {
            hash.AddBytes(gop.IFrame);
            foreach (var p in gop.PFrames)
                foreach (var stream in new[] { p.MotionVectors, p.Residual, p.AccumulatedMotionVectors!, p.AccumulatedResidual! })
                    hash.AddBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(stream.AsSpan()));
        }
        return hash.ToHashCode();
    }

    /// <summary>VmHWM of this process: native decoder memory does not show in the managed allocation figures.</summary>
    static long PeakResidentKiB() =>
        File.ReadLines("/proc/self/status").Where(l => l.StartsWith("VmHWM:")).Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1])).Single();

    [Fact]
    public void Mpeg4() => Fuzz("MPEG-4", "mpeg4 -q:v 1");

    [Fact]
    public void MsMpeg4v3() => Fuzz("MS-MPEG4v3", "msmpeg4v3");
}
