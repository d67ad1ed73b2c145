using Distill.Data.Detection;

namespace Distill.Tests.Detection;

public class VocEvaluatorTests
{
    static VocBox Box(double x1, double y1, double x2, double y2) => new(x1, y1, x2, y2);

    // Image a: cat g1 (1,1)-(10,10), difficult cat g2 (21,21)-(30,30). Image b: cat g3 (41,41)-(60,60), dog (1,1)-(20,20).
    // Image c: only a difficult bird, so "bird" has no positives and stays out of the mean.
    static readonly VocAnnotation[] Truth =
    [
        new("a", "a.jpg", 100, 100, 3, [new("cat", Box(1, 1, 10, 10)), new("cat", Box(21, 21, 30, 30), Difficult: true)]),
        new("b", "b.jpg", 100, 100, 3, [new("cat", Box(41, 41, 60, 60)), new("dog", Box(1, 1, 20, 20))]),
        new("c", "c.jpg", 100, 100, 3, [new("bird", Box(1, 1, 30, 30), Difficult: true)]),
    ];

    // By score: TP on g1; duplicate of g1 (FP); hit on the difficult g2 (ignored); miss on b (FP); TP on g3.
    static readonly VocDetection[] CatDetections =
    [
        new("b", "cat", 0.5, Box(41, 41, 60, 60)),
        new("a", "cat", 0.9, Box(1, 1, 10, 10)),
        new("a", "cat", 0.8, Box(2, 1, 10, 10)),
        new("a", "cat", 0.7, Box(21, 21, 30, 30)),
        new("b", "cat", 0.6, Box(80, 80, 95, 95)),
    ];

    [Fact]
    public void PrecisionRecallSkipsDifficultAndCountsDuplicatesAsFalse()
    {
        var (recall, precision, positives) = VocEvaluator.PrecisionRecall(Truth, CatDetections, "cat");
        Assert.Equal(2, positives);
        Assert.Equal([0.5, 0.5, 0.5, 1.0], recall);
        Assert.Equal([1.0, 0.5, 1.0 / 3, 0.5], precision, (x, y) => Math.Abs(x - y) < 1e-12);
    }

    [Fact]
    public void ElevenPointAndAreaApMatchHandValues()
    {
        var result11 = VocEvaluator.Evaluate(Truth, CatDetections, ["cat", "dog", "bird"], elevenPoint: true);
        // Recall thresholds 0..0.5 see precision 1, 0.6..1.0 see 0.5: (6 * 1 + 5 * 0.5) / 11.
        Assert.Equal(8.5 / 11, result11.AveragePrecision["cat"], 12);
        Assert.Equal(0, result11.AveragePrecision["dog"]);
        Assert.False(result11.AveragePrecision.ContainsKey("bird"));
        Assert.Equal(8.5 / 11 / 2, result11.MeanAveragePrecision, 12);

        var area = VocEvaluator.Evaluate(Truth, CatDetections, ["cat", "dog", "bird"], elevenPoint: false);
        // Envelope: precision 1 on recall (0, 0.5], 0.5 on (0.5, 1]: 0.5 * 1 + 0.5 * 0.5.
        Assert.Equal(0.75, area.AveragePrecision["cat"], 12);
        Assert.Equal(0.375, area.MeanAveragePrecision, 12);
    }

    [Fact]
    public void IouBelowHalfIsAMiss()
    {
        // (1,1)-(10,10) vs (6,1)-(15,10): inclusive areas 100 each, overlap 5 x 10 = 50, IoU 50 / 150 = 1/3.
        Assert.Equal(1.0 / 3, Box(1, 1, 10, 10).Iou(Box(6, 1, 15, 10)), 12);
        var (_, precision, _) = VocEvaluator.PrecisionRecall(Truth, [new VocDetection("a", "cat", 1, Box(6, 1, 15, 10))], "cat");
        Assert.Equal([0.0], precision);
    }

    [Fact]
    public void UnknownImageOrClassIsAnError()
    {
        var image = Assert.Throws<ArgumentException>(() => VocEvaluator.PrecisionRecall(Truth, [new VocDetection("zz", "cat", 1, Box(1, 1, 2, 2))], "cat"));
        Assert.Contains("'zz'", image.Message);
        var cls = Assert.Throws<ArgumentException>(() => VocEvaluator.Evaluate(Truth, [new VocDetection("a", "cow", 1, Box(1, 1, 2, 2))], ["cat"], true));
        Assert.Contains("'cow'", cls.Message);
    }
}
