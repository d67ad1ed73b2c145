using Distill.Models;

namespace Distill.Reporting;

/// <summary>
/// The teacher / student compression ratios the papers state, next to the ratios the zoo's variants measure.
/// Cross-layer KD (Chou et al. 2021): VGG-11 / VGG-6 and ResNet-32 / ResNet-8 on CIFAR-100, MobileNet-16 / MobileNet-9
/// on ImageNet 64x64. Multi-teacher KD for compressed video: the CoViAR teachers (Wu et al. 2018; ResNet-152 on I-frames,
/// ResNet-18 on motion vectors and on residuals, UCF-101) against a student of three ResNet-18s, compute amortised over a
/// 12-frame GOP (<see cref="CoViarCost"/>). "Computation" is MACs, the papers' "FLOPs" (see <see cref="LayerCosts"/>).
/// </summary>
public static class PaperRatios
{
    /// <summary>One stated comparison: who is compared, and the parameter and computation ratios the paper gives.</summary>
    public sealed record Claim(string Pair, ModelSpec[] Teacher, ModelSpec[] Student, double StatedParams, double StatedCompute);

    /// <summary>A claim with the measured ratios.</summary>
    public sealed record Row(string Pair, double StatedParams, double MeasuredParams, double StatedCompute, double MeasuredCompute,
        double TeacherMB, double StudentMB);

    static ModelSpec[] CoViar(string iFrame) =>
    [
        new(iFrame, 101, InChannels: 3, ImageSize: 224),
        new("resnet18", 101, InChannels: 2, ImageSize: 224),
        new("resnet18", 101, InChannels: 3, ImageSize: 224),
    ];

    /// <summary>The four comparisons, in the zoo's pinned variants (Models/README.md says why each is defined as it is).</summary>
    public static IReadOnlyList<Claim> Claims { get; } =
    [
        new("CIFAR-100 vgg11 / vgg6", [new("vgg11", 100)], [new("vgg6", 100)], 2.08, 3.50),
        new("CIFAR-100 resnet32 / resnet8", [new("resnet32", 100)], [new("resnet8", 100)], 6.11, 5.27),
        new("ImageNet 64x64 mobilenet16 / mobilenet9", [new("mobilenet16", 1000, ImageSize: 64)], [new("mobilenet9", 1000, ImageSize: 64)], 1.59, 2.05),
        new("UCF-101 CoViAR resnet152+18+18 / resnet18 x3", CoViar("resnet152"), CoViar("resnet18"), 2.4, 1.2),
    ];

    /// <summary>Measures one claim. Compute of a three-stream (CoViAR) side is per frame, amortised over the GOP.</summary>
    public static Row Measure(Claim claim)
    {
        var teacher = claim.Teacher.Select(ModelSummary.Of).ToArray();
        var student = claim.Student.Select(ModelSummary.Of).ToArray();
        double params_ = (double)teacher.Sum(m => m.Params) / student.Sum(m => m.Params);
        double compute = Compute(teacher) / Compute(student);
        return new Row(claim.Pair, claim.StatedParams, params_, claim.StatedCompute, compute,
            teacher.Sum(m => m.SizeMB), student.Sum(m => m.SizeMB));
    }

    /// <summary>MACs of one side: a single model's, or the GOP-amortised per-frame MACs of three CoViAR streams.</summary>
    public static double Compute(IReadOnlyList<ModelSummary> side) => side.Count switch
    {
        1 => side[0].Macs,
        3 => new CoViarCost(side[0], side[1], side[2]).MacsPerFrame,
        _ => throw new ArgumentException($"A side is one model or three CoViAR streams, got {side.Count} models."),
    };
}
