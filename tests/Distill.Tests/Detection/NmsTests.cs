using Distill.Models.Detection;
using Distill.Runtime;
using static TorchSharp.torch;

namespace Distill.Tests.Detection;

public class NmsTests
{
    public NmsTests() => TorchRuntime.Initialize(seed: 4, quiet: true);

    static readonly Tensor HandBoxes = tensor(new float[]
    {
        1, 1, 11, 11,    // 0: IoU with box 1 = 81 / 119 = 0.68
        0, 0, 10, 10,    // 1: highest score
        20, 20, 30, 30,  // 2: far away
        0, 0, 10, 5,     // 3: IoU with box 1 = 0.5 exactly
    }).view(-1, 4);
    static readonly Tensor HandScores = tensor(new float[] { 0.8f, 0.9f, 0.7f, 0.6f });

    [Fact]
    public void SuppressesByThresholdInScoreOrder()
    {
        Assert.Equal([1L, 2, 3], Nms.Apply(HandBoxes, HandScores, 0.5).data<long>().ToArray());   // 0.5 is not > 0.5
        Assert.Equal([1L, 2], Nms.Apply(HandBoxes, HandScores, 0.4).data<long>().ToArray());
        Assert.Equal([1L, 0, 2, 3], Nms.Apply(HandBoxes, HandScores, 0.7).data<long>().ToArray());
    }

    [Fact]
    public void BatchedKeepsOverlappingBoxesOfOtherClasses()
    {
        var groups = tensor(new long[] { 1, 0, 0, 0 });
        Assert.Equal([1L, 0, 2], Nms.Batched(HandBoxes, HandScores, groups, 0.4).data<long>().ToArray());
    }

    [Fact]
    public void EmptyInputGivesEmptyOutput()
    {
        Assert.Equal(0, Nms.Apply(zeros(0, 4), zeros(0), 0.5).shape[0]);
    }

    [Fact]
    public void MatchesScalarGreedyReferenceOnRandomBoxes()
    {
        var xy = rand(300, 2) * 100;
        var boxes = cat([xy, xy + 5 + rand(300, 2) * 30], 1);
        var scores = rand(300);
        var kept = Nms.Apply(boxes, scores, 0.45).data<long>().ToArray();
        Assert.Equal(Reference(boxes.data<float>().ToArray(), scores.data<float>().ToArray(), 0.45), kept);
    }

    /// <summary>Textbook greedy NMS, one box pair at a time.</summary>
    static long[] Reference(float[] b, float[] s, double threshold)
    {
        var order = Enumerable.Range(0, s.Length).OrderByDescending(i => s[i]).ToList();
        var kept = new List<long>();
        foreach (var i in order)
        {
            bool keep = true;
            foreach (var j in kept)
            {
                double iw = Math.Max(0, Math.Min(b[4 * i + 2], b[4 * j + 2]) - Math.Max(b[4 * i], b[4 * j]));
                double ih = Math.Max(0, Math.Min(b[4 * i + 3], b[4 * j + 3]) - Math.Max(b[4 * i + 1], b[4 * j + 1]));
                double inter = iw * ih;
                double union = (b[4 * i + 2] - b[4 * i]) * (b[4 * i + 3] - b[4 * i + 1]) + (b[4 * j + 2] - b[4 * j]) * (b[4 * j + 3] - b[4 * j + 1]) - inter;
                if (inter / union > threshold) { keep = false; break; }
            }
            if (keep) kept.Add(i);
        }
        return kept.ToArray();
    }
}
