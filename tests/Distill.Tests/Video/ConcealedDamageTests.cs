using Distill.Data.Video;

namespace Distill.Tests.Video;

/// <summary>
/// Issue 15, findings 6 and 7, on files written by ffmpeg itself. 6: an MS-MPEG4v3 video with 256 bytes zeroed decodes
/// (FFmpeg 5.1 conceals the damage and only logs it), yet its frames differ from the clean file's: the damage is
/// counted, and the loaders' policy and mv-dump act on it. 7: the container's frame count is a hint; ffmpeg's AVI muxer
/// counts an empty chunk per timestamp gap, so a clean file may declare a frame or two more than it holds.
/// </summary>
public sealed class ConcealedDamageTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("distill-concealed-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    /// <summary>48 frames of testsrc2 at 176x144, GOP 12, no B-frames, with <paramref name="codec"/> and an optional filter.</summary>
    string Encode(string name, string codec, string filter = "")
    {
        var path = Path.Combine(folder, name);
        SyntheticVideo.Ffmpeg($"-f lavfi -i testsrc2=size=176x144:rate=25 -frames:v 48 {filter} -c:v {codec} -g 12 -bf 0 \"{path}\"");
        return path;
    }

    /// <summary>The clean MS-MPEG4v3 file and a copy with 256 bytes zeroed at its middle.</summary>
    (string Clean, string Damaged) ZeroedMsMpeg4()
    {
        var clean = Encode("clean.avi", "msmpeg4v3");
        var bytes = File.ReadAllBytes(clean);
        Array.Clear(bytes, bytes.Length / 2, 256);
        var damaged = Path.Combine(folder, "zeroed.avi");
        File.WriteAllBytes(damaged, bytes);
        return (clean, damaged);
    }

    static (List<byte[]> Frames, long Damaged, List<int> Flagged) DecodeAll(string path)
    {
        using var reader = new CompressedVideoReader(path);
        var frames = new List<byte[]>();
        var flagged = new List<int>();
        while (reader.Next())
        {
            var info = reader.Current;
            var rgb = new byte[info.Width * info.Height * 3];
            reader.ReadRgb(rgb);
            frames.Add(rgb);
            if (info.IsDamaged) flagged.Add(info.Index);
        }
        return (frames, reader.DamagedFrames, flagged);
    }

    [Fact]
    public void Finding6_ZeroedMsMpeg4FramesDecodeAlteredAndAreCountedAsDamaged()
    {
        var (clean, damaged) = ZeroedMsMpeg4();
        var good = DecodeAll(clean);
        var bad = DecodeAll(damaged);
        Assert.Equal((48, 0L), (good.Frames.Count, good.Damaged));
        Assert.Empty(good.Flagged);

        var altered = Enumerable.Range(0, Math.Min(good.Frames.Count, bad.Frames.Count))
            .Where(i => !good.Frames[i].AsSpan().SequenceEqual(bad.Frames[i])).ToList();
        Assert.NotEmpty(altered); // the concealment changed pixels: the file is damaged, not just different
        Assert.InRange(bad.Damaged, 1, 48);
        Assert.Equal(bad.Damaged, bad.Flagged.Count + (48 - bad.Frames.Count));
        Assert.True(bad.Flagged.Count == 0 || bad.Flagged[0] <= altered[0], $"first flagged {bad.Flagged.FirstOrDefault()}, first altered {altered[0]}");
    }

    [Fact]
    public void Finding6_LoadersSkipRefuseOrAcceptADamagedVideoByPolicy()
    {
        var (clean, damaged) = ZeroedMsMpeg4();
        var skipped = VideoScan.Run([clean, damaged]);
        Assert.Equal([clean], skipped.Good.Select(g => g.Path));
        var failure = Assert.Single(skipped.Failed);
        Assert.Equal(damaged, failure.Path);
        Assert.Matches(@"^\d+ of 4[78] frames damaged \(corrupt or concealed by the decoder, or packets lost, extra or undecodable\)$", failure.Reason);

        var e = Assert.Throws<VideoDecodeException>(() => VideoScan.Run([clean, damaged], damaged: DamagedVideoPolicy.Fail));
        Assert.Equal(damaged, e.Path);
        Assert.Equal(failure.Reason, e.Detail);

        var accepted = VideoScan.Run([clean, damaged], damaged: DamagedVideoPolicy.Accept);
        Assert.Equal([clean, damaged], accepted.Good.Select(g => g.Path));
        Assert.True(accepted.Good[1].DamagedFrames > 0);

        var source = new VideoBatchSource([new ActionVideo(clean, 0), new ActionVideo(damaged, 1)], 2,
            new VideoLoaderOptions(BatchSize: 1, Segments: 2, ImageSize: 32, Train: false));
        Assert.Equal([clean], source.Videos.Select(v => v.Index.Path));
        Assert.Equal(failure, Assert.Single(source.Skipped));
    }

    [Fact]
    public void Finding6_MvDumpReportsDamageAndExitsTwoUnlessAccepted()
    {
        var (clean, damaged) = ZeroedMsMpeg4();
        var csv = Path.Combine(folder, "mv.csv");
        Assert.Equal(0, Distill.Cli.MvDumpCommand.Create().Parse([clean, "--out", csv]).Invoke());
        Assert.Equal(2, Distill.Cli.MvDumpCommand.Create().Parse([damaged, "--out", csv]).Invoke());
        Assert.True(File.Exists(csv), "the CSV of a decodable file is kept");
        Assert.Equal(0, Distill.Cli.MvDumpCommand.Create().Parse([damaged, "--out", csv, "--accept-damaged"]).Invoke());
    }

    [Fact]
    public void Finding6_AFrameTheDemuxerLosesToADamagedChunkHeaderIsCounted()
    {
        var path = Encode("chunk.avi", "mpeg4 -q:v 1");
        var bytes = File.ReadAllBytes(path);
        int chunk = -1;
        for (int n = 0; n < 6; n++) chunk = bytes.AsSpan(chunk + 1).IndexOf("00dc"u8) + chunk + 1;
        Array.Clear(bytes, chunk + 4, 4); // the sixth frame chunk now claims 0 bytes; the AVI index still lists its size
        File.WriteAllBytes(path, bytes);
        var index = GopReader.Index(path);
        Assert.Equal((47, 1L), (index.FrameCount, index.DamagedFrames));
    }

    [Theory]
    [InlineData("not(eq(n\\,20))", 49)]
    [InlineData("not(between(n\\,20\\,21))", 50)]
    public void Finding7_AnAviDeclaringUpToTwoFramesMoreThanItsPacketsReadsCleanly(string select, int declared)
    {
        var path = Encode("gap.avi", "mpeg4 -q:v 1", $"-vf \"select='{select}'\" -fps_mode passthrough");
        var copy = Path.Combine(folder, "gap-copy.avi");
        SyntheticVideo.Ffmpeg($"-i \"{path}\" -c copy \"{copy}\"");
        foreach (var file in new[] { path, copy })
        {
            using var reader = new CompressedVideoReader(file);
            Assert.Equal(declared, reader.DeclaredFrames);
            var index = GopReader.Index(file);
            Assert.Equal((48, 0L), (index.FrameCount, index.DamagedFrames));
        }
    }

    [Fact]
    public void Finding7_ATailCutAtAFrameBoundaryIsWithinTheSlackButCounted()
    {
        var path = Encode("tail.avi", "msmpeg4v3");
        var bytes = File.ReadAllBytes(path);
        int index1 = bytes.AsSpan().LastIndexOf("idx1"u8);
        File.WriteAllBytes(path, bytes[..bytes.AsSpan(0, index1).LastIndexOf("00dc"u8)]); // the last frame and the index go
        var video = GopReader.Index(path);
        Assert.Equal((47, 1L), (video.FrameCount, video.DamagedFrames));
    }

    [Fact]
    public void Finding7_AShortfallOfThreePacketsIsStillATruncatedFile()
    {
        var path = Encode("gap3.avi", "mpeg4 -q:v 1", "-vf \"select='not(between(n\\,20\\,22))'\" -fps_mode passthrough");
        var e = Assert.Throws<VideoDecodeException>(() => GopReader.Index(path));
        Assert.Equal(path, e.Path);
        Assert.StartsWith("the container declares 51 frames but only 48 packets were read (truncated file?)", e.Detail);
    }
}
