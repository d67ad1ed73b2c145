using Distill.Models;
using Distill.Runtime;
using static TorchSharp.torch;

namespace Distill.Tests.Models;

/// <summary>Logit and tap shapes of every family, and clear errors on bad input.</summary>
public class ForwardShapeTests
{
    public ForwardShapeTests() => TorchRuntime.Initialize(seed: 2, quiet: true);

    static Taps Run(ModelSpec spec, out DistillModel model, int batch = 2)
    {
        model = ModelZoo.Create(spec);
        model.eval();
        using var _ = no_grad();
        return model.call(randn(batch, spec.InChannels, spec.ImageSize, spec.ImageSize));
    }

    static long[] S(params long[] shape) => shape;

    [Theory]
    [InlineData("resnet8", 3, 32)]
    [InlineData("resnet14b", 3, 32)]
    [InlineData("resnet8", 1, 28)]
    public void CifarResNetTapsThreeGroups(string name, int channels, int size)
    {
        var taps = Run(new ModelSpec(name, 10, channels, size), out var model);
        long s1 = size, s2 = (size + 1) / 2, s3 = (s2 + 1) / 2;
        Assert.Equal(["layer1", "layer2", "layer3"], model.StageNames);
        Assert.Equal(S(2, 10), taps.Logits.shape);
        Assert.Equal(S(2, 16, s1, s1), taps.Stages[0].shape);
        Assert.Equal(S(2, 32, s2, s2), taps.Stages[1].shape);
        Assert.Equal(S(2, 64, s3, s3), taps.Stages[2].shape);
        Assert.Equal(taps.Stages[2].shape, taps["backbone"].shape);
        Assert.Equal(S(2, 64), taps["pre_logits"].shape);
    }

    [Fact]
    public void Vgg11TapsFiveStagesAndVgg6TheFirstThree()
    {
        var teacher = Run(new ModelSpec("vgg11", 100), out _);
        var student = Run(new ModelSpec("vgg6", 100), out var vgg6);
        Assert.Equal(S(2, 100), teacher.Logits.shape);
        Assert.Equal(S(2, 100), student.Logits.shape);
        long[][] expected = [S(2, 64, 32, 32), S(2, 128, 16, 16), S(2, 256, 8, 8), S(2, 512, 4, 4), S(2, 512, 2, 2)];
        Assert.Equal(expected, teacher.Stages.Select(t => t.shape).ToArray());
        Assert.Equal(expected[..3], student.Stages.Select(t => t.shape).ToArray());
        Assert.Equal(S(2, 512), teacher["pre_logits"].shape);
        Assert.Equal(S(2, 256 * 8 * 8), student["pre_logits"].shape);
        Assert.Equal(["block1", "block2", "block3"], vgg6.StageNames);
    }

    [Fact]
    public void Vgg8And13On28x28GrayscaleReachOnePixel()
    {
        foreach (var name in new[] { "vgg8", "vgg13" })
        {
            var taps = Run(new ModelSpec(name, 10, InChannels: 1, ImageSize: 28), out _);
            Assert.Equal(S(2, 10), taps.Logits.shape);
            Assert.Equal([S(2, 64, 28, 28), S(2, 128, 14, 14), S(2, 256, 7, 7), S(2, 512, 4, 4), S(2, 512, 2, 2)],
                taps.Stages.Select(t => t.shape).ToArray());
        }
    }

    [Fact]
    public void MobileNetsTapOneStagePerResolution()
    {
        long[][] expected = [S(1, 64, 32, 32), S(1, 128, 16, 16), S(1, 256, 8, 8), S(1, 512, 4, 4), S(1, 1024, 2, 2)];
        foreach (var name in new[] { "mobilenet16", "mobilenet9" })
        {
            var taps = Run(new ModelSpec(name, 20, ImageSize: 32), out _, batch: 1);
            Assert.Equal(S(1, 20), taps.Logits.shape);
            Assert.Equal(expected, taps.Stages.Select(t => t.shape).ToArray());
        }
        var v1 = Run(new ModelSpec("mobilenetv1", 20, ImageSize: 64), out _, batch: 1);
        Assert.Equal(expected, v1.Stages.Select(t => t.shape).ToArray());
    }

    [Theory]
    [InlineData("resnet18", 2, 512)]
    [InlineData("resnet50", 3, 2048)]
    public void ImageNetResNetsTapFourStages(string name, int channels, long features)
    {
        var taps = Run(new ModelSpec(name, 101, channels, ImageSize: 64), out var model, batch: 1);
        long e = features / 512;
        Assert.Equal(["layer1", "layer2", "layer3", "layer4"], model.StageNames);
        Assert.Equal(S(1, 101), taps.Logits.shape);
        Assert.Equal([S(1, 64 * e, 16, 16), S(1, 128 * e, 8, 8), S(1, 256 * e, 4, 4), S(1, 512 * e, 2, 2)],
            taps.Stages.Select(t => t.shape).ToArray());
        Assert.Equal(S(1, features), taps["pre_logits"].shape);
    }

    [Theory]
    [InlineData("resnet8", 1, 28, 16, 28)]          // 3x3 stride-1 stem, 16 channels
    [InlineData("resnet32", 3, 32, 16, 32)]
    [InlineData("mobilenet9", 3, 64, 32, 64)]       // the cross-layer paper's stride-1 stem, 32 channels
    [InlineData("mobilenetv1", 3, 32, 32, 16)]      // v1's stride-2 stem
    public void FamiliesWithAStemTapItsOutput(string name, int channels, int size, long stemChannels, long stemSize)
    {
        var taps = Run(new ModelSpec(name, 10, channels, size), out var model);
        using var _ = model;
        Assert.Equal(S(2, stemChannels, stemSize, stemSize), taps[StagedClassifier.StemTap].shape);
    }

    [Fact]
    public void VggTapsNoStemItsFirstBlockIsItsFirstStage()
    {
        var taps = Run(new ModelSpec("vgg6", 10), out var model);
        using var _ = model;
        Assert.False(taps.Named.ContainsKey(StagedClassifier.StemTap));
        Assert.Equal(["backbone", "pre_logits"], taps.Named.Keys);
    }

    [Fact]
    public void WrongChannelCountNamesTheModelAndTheShape()
    {
        using var model = ModelZoo.Create(new ModelSpec("resnet8", 10));
        var e = Assert.Throws<ArgumentException>(() => model.call(zeros(1, 1, 32, 32)));
        Assert.Contains("resnet8 expects [N, 3, H, W]", e.Message);
        Assert.Contains("[1, 1, 32, 32]", e.Message);
    }

    [Fact]
    public void FlatteningVggRejectsAnotherImageSize()
    {
        using var model = ModelZoo.Create(new ModelSpec("vgg6", 10));
        var e = Assert.Throws<ArgumentException>(() => model.call(zeros(1, 3, 28, 28)));
        Assert.Contains("built for 32x32", e.Message);
    }

    [Fact]
    public void UnknownNamesAndDepthsAreRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => ModelZoo.Create(new ModelSpec("resnet9", 10)));
        Assert.Contains("Unknown model 'resnet9'", e.Message);
        Assert.Contains("resnet32", e.Message);
        Assert.Throws<ArgumentException>(() => new ResNetCifar(new ModelSpec("x", 10), depth: 9));
    }

    [Theory]
    [InlineData("resnet8", 0, 3, 32, 1.0, "NumClasses")]
    [InlineData("vgg11", 10, 0, 32, 1.0, "InChannels")]
    [InlineData("mobilenet9", 10, 3, 0, 1.0, "ImageSize")]
    [InlineData("resnet18", 10, 3, 64, -0.5, "Width")]
    public void BadSpecsNameTheField(string name, int classes, int channels, int size, double width, string field)
    {
        var e = Assert.Throws<ArgumentException>(() => ModelZoo.Create(new ModelSpec(name, classes, channels, size, width)));
        Assert.StartsWith($"{name}: {field} must be", e.Message);
    }

    [Fact]
    public void OptionAShortcutSubsamplesAndZeroPadsChannels()
    {
        using var shortcut = new ZeroPadShortcut(cin: 2, cout: 4, stride: 2);
        var x = arange(2 * 4 * 4, dtype: ScalarType.Float32).reshape(1, 2, 4, 4);
        var y = shortcut.call(x);
        Assert.Equal(S(1, 4, 2, 2), y.shape);
        // channels 0 and 3 are the zero padding; 1 and 2 are x[:, c, ::2, ::2]
        Assert.Equal(new float[] { 0, 0, 0, 0, 0, 2, 8, 10, 16, 18, 24, 26, 0, 0, 0, 0 }, y.data<float>().ToArray());
    }
}
