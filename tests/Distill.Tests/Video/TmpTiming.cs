using System.Diagnostics;
using Distill.Data.Video;
using Distill.Runtime;
using Xunit.Abstractions;
namespace Distill.Tests.Video;
public class TmpTiming(ITestOutputHelper o)
{
    [Fact]
    public void Time()
    {
        TorchRuntime.Initialize(0, quiet: true);
        var split = ActionSplits.Read("/tmp/nb01-actions");
        var c = Stopwatch.StartNew();
        var train = new VideoBatchSource(split.Train, 8, new VideoLoaderOptions(8, 3, 32, true));
        o.WriteLine($"scan {c.ElapsedMilliseconds} ms"); c.Restart();
        foreach (var b in train.Epoch(0)) b.Dispose();
        o.WriteLine($"train epoch {c.ElapsedMilliseconds} ms"); c.Restart();
        var test = new VideoBatchSource(split.Test, 8, VideoLoaderOptions.Test(8, 5, 32));
        foreach (var b in test.Epoch(0)) b.Dispose();
        o.WriteLine($"test epoch {c.ElapsedMilliseconds} ms"); c.Restart();
        foreach (var b in test.Epoch(0)) b.Dispose();
        o.WriteLine($"test epoch cached {c.ElapsedMilliseconds} ms"); c.Restart();
        var idx = train.Videos[0].Index;
        for (int i = 0; i < 20; i++) using (SegmentStreams.Load(idx, [3, 10, 20], true)) { }
        o.WriteLine($"load x20 {c.ElapsedMilliseconds} ms"); c.Restart();
        for (int i = 0; i < 20; i++) foreach (var f in CompressedFrames.Read(idx.Path, true)) { }
        o.WriteLine($"decode x20 {c.ElapsedMilliseconds} ms"); c.Restart();
    }
}
