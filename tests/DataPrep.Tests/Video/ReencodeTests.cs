using DataPrep.Video;

namespace DataPrep.Tests.Video;

public sealed class ReencodeTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("reencode-").FullName;
    readonly Reencoder reencoder = new(new Mpeg4Encoding(), workers: 2, TimeSpan.FromMinutes(1));

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public async Task ProducesMpeg4Part2At340x256WithGop12AndNoBFrames()
    {
        var source = await TestVideos.MjpegAviAsync(Path.Combine(dir, "in", "Archery", "v_Archery_g01_c01.avi"), frames: 30);
        var jobs = Reencoder.MirrorJobs(Path.Combine(dir, "in"), Path.Combine(dir, "out"), [".avi"]);
        Assert.Equal([new ReencodeJob(source, Path.Combine(dir, "out", "Archery", "v_Archery_g01_c01.mp4"))], jobs);

        var summary = await reencoder.RunAsync(jobs);

        Assert.Equal((1, 0, 0), (summary.Encoded, summary.AlreadyDone, summary.Failures.Count));
        var output = jobs[0].Output;
        Assert.Equal(new VideoStreamInfo("mpeg4", 340, 256, 30), await VideoProbe.TryReadAsync(output));
        Assert.Equal("IPPPPPPPPPPPIPPPPPPPPPPPIPPPPP", await TestVideos.PictureTypesAsync(output));
        Assert.False(File.Exists(output + ".partial"));
    }

    [Fact]
    public async Task ASecondRunSkipsFinishedOutputsAndRedoesDamagedOnes()
    {
        await TestVideos.MjpegAviAsync(Path.Combine(dir, "in", "A", "a.avi"), frames: 13);
        await TestVideos.MjpegAviAsync(Path.Combine(dir, "in", "B", "b.avi"), frames: 13);
        var jobs = Reencoder.MirrorJobs(Path.Combine(dir, "in"), Path.Combine(dir, "out"), [".avi"]);
        Assert.Equal(2, (await reencoder.RunAsync(jobs)).Encoded);
        var finished = File.GetLastWriteTimeUtc(jobs[0].Output);
        var intact = await File.ReadAllBytesAsync(jobs[0].Output);
        // An interrupted earlier run: the second output cut short, and a stale temporary file beside it.
        var cut = await File.ReadAllBytesAsync(jobs[1].Output);
        await File.WriteAllBytesAsync(jobs[1].Output, cut[..(cut.Length / 2)]);
        await File.WriteAllBytesAsync(jobs[1].Output + ".partial", [1, 2, 3]);

        var outcomes = new List<ReencodeOutcome>();
        var summary = await reencoder.RunAsync(jobs, o => { lock (outcomes) outcomes.Add(o); });

        Assert.Equal((1, 1, 0), (summary.Encoded, summary.AlreadyDone, summary.Failures.Count));
        Assert.Equal(ReencodeStatus.AlreadyDone, outcomes.Single(o => o.Job == jobs[0]).Status);
        Assert.Equal(ReencodeStatus.Encoded, outcomes.Single(o => o.Job == jobs[1]).Status);
        Assert.Equal(finished, File.GetLastWriteTimeUtc(jobs[0].Output));
        Assert.Equal(intact, await File.ReadAllBytesAsync(jobs[0].Output));
        Assert.Equal(new VideoStreamInfo("mpeg4", 340, 256, 13), await VideoProbe.TryReadAsync(jobs[1].Output));
        Assert.False(File.Exists(jobs[1].Output + ".partial"));
    }

    [Fact]
    public async Task UndecodableInputsAreReportedAndSkipped()
    {
        await TestVideos.MjpegAviAsync(Path.Combine(dir, "in", "A", "good.avi"), frames: 5);
        var noise = new byte[4096];
        new Random(1).NextBytes(noise);
        Directory.CreateDirectory(Path.Combine(dir, "in", "B"));
        await File.WriteAllBytesAsync(Path.Combine(dir, "in", "B", "noise.avi"), noise);
        await File.WriteAllBytesAsync(Path.Combine(dir, "in", "B", "empty.avi"), []);
        var jobs = Reencoder.MirrorJobs(Path.Combine(dir, "in"), Path.Combine(dir, "out"), [".avi"]);

        var summary = await reencoder.RunAsync(jobs);

        Assert.Equal((1, 0), (summary.Encoded, summary.AlreadyDone));
        Assert.Equal([Path.Combine(dir, "in", "B", "empty.avi"), Path.Combine(dir, "in", "B", "noise.avi")],
            summary.Failures.Select(f => f.Job.Source).Order());
        Assert.All(summary.Failures, f => Assert.StartsWith("exit code", f.Reason));
        Assert.Equal(["good.mp4"], Directory.EnumerateFiles(Path.Combine(dir, "out"), "*", SearchOption.AllDirectories).Select(Path.GetFileName));

        var report = Path.Combine(dir, "out", "reencode-failures.tsv");
        Reencoder.WriteFailureReport(report, summary.Failures);
        var lines = File.ReadAllLines(report);
        Assert.Equal("source\treason", lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.Contains(lines, l => l.StartsWith(Path.Combine(dir, "in", "B", "noise.avi") + "\texit code"));
    }

    [Fact]
    public async Task AnEncodeOverTheTimeLimitIsKilledAndReported()
    {
        var source = await TestVideos.MjpegAviAsync(Path.Combine(dir, "in", "slow.avi"), frames: 25);
        var impatient = new Reencoder(new Mpeg4Encoding(), workers: 1, TimeSpan.FromMilliseconds(1));
        var output = Path.Combine(dir, "out", "slow.mp4");
        var summary = await impatient.RunAsync([new ReencodeJob(source, output)]);
        Assert.Equal("timed out", Assert.Single(summary.Failures).Reason);
        Assert.False(File.Exists(output));
        Assert.False(File.Exists(output + ".partial"));
    }

    [Fact]
    public async Task AMissingSourceIsAFailureNotACrash()
    {
        var summary = await reencoder.RunAsync([new ReencodeJob(Path.Combine(dir, "nowhere.avi"), Path.Combine(dir, "out", "x.mp4"))]);
        Assert.Equal("source file not found", Assert.Single(summary.Failures).Reason);
    }
}
