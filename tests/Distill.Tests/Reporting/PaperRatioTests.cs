using Distill.Models;
using Distill.Reporting;
using Distill.Runtime;

namespace Distill.Tests.Reporting;

/// <summary>
/// The compression ratios the papers state, reproduced by the zoo's variants within 3% (Models/README.md documents the
/// variant definitions; where no standard variant meets a ratio the test pins the closest one).
/// </summary>
public class PaperRatioTests
{
    public PaperRatioTests() => TorchRuntime.Initialize(seed: 4, quiet: true);

    static void Within3Percent(double stated, double measured) =>
        Assert.InRange(measured / stated, 0.97, 1.03);

    static (double Params, double Macs) Ratios(ModelSpec teacher, ModelSpec student)
    {
        var t = ModelSummary.Of(teacher);
        var s = ModelSummary.Of(student);
        return ((double)t.Params / s.Params, (double)t.Macs / s.Macs);
    }

    [Fact]
    public void Vgg11OverVgg6OnCifar100()
    {
        var (p, m) = Ratios(new ModelSpec("vgg11", 100), new ModelSpec("vgg6", 100));
        Within3Percent(2.08, p);
        Within3Percent(3.50, m);
    }

    [Fact]
    public void MobileNet16OverMobileNet9OnImageNet64()
    {
        var (p, m) = Ratios(new ModelSpec("mobilenet16", 1000, ImageSize: 64), new ModelSpec("mobilenet9", 1000, ImageSize: 64));
        Within3Percent(1.59, p);
        Within3Percent(2.05, m);
    }

    /// <summary>
    /// Chou et al. state 6.11x parameters and 5.27x computation. No 6n+2 pair of depth 32 and 8 gives 5.27x: with
    /// 16/32/64 channels the MACs ratio stays between 5.51 and 5.65 for every shortcut option, because both networks
    /// spend the same stem and classifier and the MACs of a stage grow with its block count. The standard option-A pair
    /// is pinned (5.79x / 5.62x); 6.11x is what it gives without the 100-way classifier (6.21x) or with a 10-way one (6.17x).
    /// </summary>
    [Fact]
    public void ResNet32OverResNet8OnCifar100IsPinnedToTheStandardPair()
    {
        var (p, m) = Ratios(new ModelSpec("resnet32", 100), new ModelSpec("resnet8", 100));
        Assert.Equal(470_004.0 / 81_140, p, 12);
        Assert.Equal(68_868_352.0 / 12_245_248, m, 12);
        Assert.InRange(p / 6.11, 0.94, 0.96);
        Assert.InRange(m / 5.27, 1.06, 1.07);
    }

    /// <summary>
    /// An ImageNet ResNet's feature maps at 224x224 are exactly 7x7 times those at 32x32 (112/16, 56/8, 28/4, 14/2, 7/1),
    /// so every layer but the classifier costs 49 times as much. Checked layer by layer on ResNet-18 at both sizes; the
    /// CoViAR test uses it to count ResNet-152 at 224x224 from a 32x32 forward.
    /// </summary>
    static double MacsAt224(ModelSummary at32) =>
        at32.Layers.Sum(l => l.Type == "Linear" ? l.Macs : 49.0 * l.Macs);

    [Fact]
    public void ImageNetResNetCostsScaleBy49From32To224()
    {
        var at32 = ModelSummary.Of(new ModelSpec("resnet18", 101, InChannels: 2, ImageSize: 32));
        var at224 = ModelSummary.Of(new ModelSpec("resnet18", 101, InChannels: 2, ImageSize: 224));
        Assert.Equal(at224.Layers.Select(l => l.Layer), at32.Layers.Select(l => l.Layer));
        foreach (var (small, big) in at32.Layers.Zip(at224.Layers))
            Assert.Equal(small.Type == "Linear" ? small.Macs : 49 * small.Macs, big.Macs);
        Assert.Equal(at224.Macs, MacsAt224(at32));
    }

    /// <summary>
    /// CoViAR (Wu et al. 2018) for UCF-101: ResNet-152 on I-frames, ResNet-18 on motion vectors (2 channels) and on
    /// residuals, ~310 MB of fp32 weights. The student of three ResNet-18s is ~2.4x smaller and ~1.2x cheaper per frame
    /// when the I-frame network runs once per 12-frame GOP (<see cref="CoViarCost"/>): (I + 11 (MV + R)) / 12.
    /// </summary>
    [Fact]
    public void CoViarTeachersAndTheirThreeResNet18Student()
    {
        var iFrame = ModelSummary.Of(new ModelSpec("resnet152", 101, InChannels: 3, ImageSize: 32));
        var motion = ModelSummary.Of(new ModelSpec("resnet18", 101, InChannels: 2, ImageSize: 32));
        var residual = ModelSummary.Of(new ModelSpec("resnet18", 101, InChannels: 3, ImageSize: 32));

        // torchvision's ResNet-152 (60,192,808 at 1000 classes) with a 101-way classifier.
        Assert.Equal(60_192_808 - 2048 * 899 - 899, iFrame.Params);
        double teacherMB = iFrame.SizeMB + motion.SizeMB + residual.SizeMB;
        double studentMB = 2 * residual.SizeMB + motion.SizeMB;
        Within3Percent(310, teacherMB);
        Within3Percent(2.4, teacherMB / studentMB);

        double PerFrame(double i, double mv, double r) => (i + 11 * (mv + r)) / 12;
        double teacherMacs = PerFrame(MacsAt224(iFrame), MacsAt224(motion), MacsAt224(residual));
        double studentMacs = PerFrame(MacsAt224(residual), MacsAt224(motion), MacsAt224(residual));
        Within3Percent(1.2, teacherMacs / studentMacs);
        // He et al. 2016, Table 1: 11.3 and 1.8 billion multiply-adds (1000 classes).
        Within3Percent(11.3e9, MacsAt224(iFrame));
        Within3Percent(1.8e9, MacsAt224(residual));
        Assert.Equal(PerFrame(iFrame.Macs, motion.Macs, residual.Macs), new CoViarCost(iFrame, motion, residual).MacsPerFrame, 6);
    }
}
