using Distill.Data.Video;
using Distill.Models;
using Distill.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Tests.Models;

/// <summary>The CoViAR stream networks on packed input: stream channels, segment consensus, score fusion.</summary>
public class CoViarModelTests
{
    public CoViarModelTests() => TorchRuntime.Initialize(seed: 3, quiet: true);

    static ModelSpec Spec(string name) => new(name, NumClasses: 4, InChannels: 8, ImageSize: 32, Width: 0.125);

    [Fact]
    public void AStreamNetworkReadsItsOwnChannelsOfEverySegmentAndAveragesTheScores()
    {
        using var mv = (StreamSlice)ModelZoo.Create(Spec("mv-resnet18"));
        mv.eval();
        using var _ = no_grad();
        var x = randn(2, 3 * 8, 32, 32);
        var taps = mv.call(x);
        Assert.Equal([2L, 3, 4], taps[StreamSlice.SegmentLogits].shape);
        // Changing every channel but the motion vectors' leaves the scores unchanged.
        var other = x.view(2, 3, 8, 32, 32).clone();
        other[.., .., 0..3] = randn([2, 3, 3, 32, 32]);
        other[.., .., 5..8] = randn([2, 3, 3, 32, 32]);
        Assert.True(mv.call(other.view(2, 24, 32, 32)).Logits.allclose(taps.Logits, atol: 1e-6f));
        // Segment 1 of video 0 equals the network on those two channels alone; video scores are the segment mean.
        var inner = (DistillModel)mv.named_children().Single().module;
        var alone = inner.call(x.view(2, 3, 8, 32, 32)[0, 1, 3..5].unsqueeze(0)).Logits;
        Assert.True(alone[0].allclose(taps[StreamSlice.SegmentLogits][0, 1], atol: 1e-5f));
        Assert.True(taps.Logits.allclose(taps[StreamSlice.SegmentLogits].mean([1]), atol: 1e-6f));
    }

    [Fact]
    public void FusionIsTheWeightedSumOfStreamScores()
    {
        var streams = StreamLayout.Streams.Select(s => CoViarStreams.Create(Spec("x"), s, 18)).ToList();
        using var fused = new CoViarNet(streams, [2, 1, 0.5]);
        fused.eval();
        using var _ = no_grad();
        var x = randn(3, 2 * 8, 32, 32);
        var taps = fused.call(x);
        var expected = streams[0].call(x).Logits * 2 + streams[1].call(x).Logits + streams[2].call(x).Logits * 0.5;
        Assert.True(taps.Logits.allclose(expected, atol: 1e-5f));
        Assert.True(taps["mv_logits"].allclose(streams[1].call(x).Logits, atol: 1e-6f));
        Assert.Equal(12, fused.StageNames.Count);
        Assert.Equal("residual.layer4", fused.StageNames[^1]);
    }

    [Fact]
    public void ThePaperStudentIsThreeResNet18StreamsAndRejectsUnpackedSpecs()
    {
        using var student = (CoViarNet)ModelZoo.Create(Spec("coviar-resnet18"));
        Assert.Equal([CompressedStream.IFrame, CompressedStream.MotionVector, CompressedStream.Residual], student.Streams.Select(s => s.Stream));
        var error = Assert.Throws<ArgumentException>(() => ModelZoo.Create(Spec("iframe-resnet152") with { InChannels = 3 }));
        Assert.Contains("InChannels is 3", error.Message);
        Assert.Throws<ArgumentException>(() => student.call(zeros(1, 12, 32, 32)));
    }
}
