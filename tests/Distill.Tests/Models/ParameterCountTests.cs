using Distill.Models;
using Distill.Runtime;

namespace Distill.Tests.Models;

/// <summary>Parameter counts of zoo models against counts worked out layer by layer in the test.</summary>
public class ParameterCountTests
{
    public ParameterCountTests() => TorchRuntime.Initialize(seed: 1, quiet: true);

    static long Count(ModelSpec spec)
    {
        using var model = ModelZoo.Create(spec);
        return model.parameters().Sum(p => p.numel());
    }

    /// <summary>Conv without bias followed by batch norm (weight + shift per channel).</summary>
    static long ConvBn(long cin, long cout, long k) => cin * cout * k * k + 2 * cout;

    static long Linear(long fin, long fout) => fin * fout + fout;

    [Fact]
    public void ResNet8OptionAOnCifar100()
    {
        long stem = ConvBn(3, 16, 3);                                    // 464
        long layer1 = ConvBn(16, 16, 3) + ConvBn(16, 16, 3);            // 4,672
        long layer2 = ConvBn(16, 32, 3) + ConvBn(32, 32, 3);            // 13,952
        long layer3 = ConvBn(32, 64, 3) + ConvBn(64, 64, 3);            // 55,552
        long fc = Linear(64, 100);                                       // 6,500
        Assert.Equal(81_140, stem + layer1 + layer2 + layer3 + fc);
        Assert.Equal(stem + layer1 + layer2 + layer3 + fc, Count(new ModelSpec("resnet8", 100)));
    }

    [Fact]
    public void ResNet8OptionBAddsTwoProjections()
    {
        long projections = ConvBn(16, 32, 1) + ConvBn(32, 64, 1);       // 576 + 2,176
        Assert.Equal(81_140 + projections, Count(new ModelSpec("resnet8b", 100)));
    }

    [Fact]
    public void ResNet20OnCifar10MatchesThePaperSize()
    {
        // He et al. 2016 Table 6: ResNet-20 has 0.27M parameters; 3 stages x 3 blocks.
        long expected = ConvBn(3, 16, 3)
            + 6 * ConvBn(16, 16, 3)
            + ConvBn(16, 32, 3) + 5 * ConvBn(32, 32, 3)
            + ConvBn(32, 64, 3) + 5 * ConvBn(64, 64, 3)
            + Linear(64, 10);
        Assert.Equal(269_722, expected);
        Assert.Equal(expected, Count(new ModelSpec("resnet20", 10)));
    }

    [Fact]
    public void ResNet8OnFashionMnistOnlyChangesTheStem()
    {
        Assert.Equal(81_140 - 2 * 16 * 9 - 90 * 64 - 90, Count(new ModelSpec("resnet8", 10, InChannels: 1, ImageSize: 28)));
    }

    /// <summary>VGG convs keep their bias: conv weight + bias + batch norm.</summary>
    static long VggConv(long cin, long cout) => cin * cout * 9 + cout + 2 * cout;

    [Fact]
    public void Vgg11OnCifar100()
    {
        long convs = VggConv(3, 64) + VggConv(64, 128) + VggConv(128, 256) + VggConv(256, 256)
            + VggConv(256, 512) + 3 * VggConv(512, 512);
        long classifier = Linear(512, 512) + Linear(512, 512) + Linear(512, 100);
        Assert.Equal(9_802_596, convs + classifier);
        Assert.Equal(convs + classifier, Count(new ModelSpec("vgg11", 100)));
    }

    [Fact]
    public void Vgg6FlattensAn8x8x256MapOnCifar100()
    {
        long convs = VggConv(3, 64) + VggConv(64, 128) + VggConv(128, 256);
        long classifier = Linear(256 * 8 * 8, 256) + Linear(256, 256) + Linear(256, 100);
        Assert.Equal(4_657_764, convs + classifier);
        Assert.Equal(convs + classifier, Count(new ModelSpec("vgg6", 100)));
    }

    [Fact]
    public void Vgg6On28x28FlattensA7x7Map()
    {
        long expected = VggConv(1, 64) + VggConv(64, 128) + VggConv(128, 256)
            + Linear(256 * 7 * 7, 256) + Linear(256, 256) + Linear(256, 10);
        Assert.Equal(expected, Count(new ModelSpec("vgg6", 10, InChannels: 1, ImageSize: 28)));
    }

    /// <summary>Depthwise 3x3 conv-BN, pointwise 1x1 conv-BN.</summary>
    static long Separable(long cin, long cout) => cin * 9 + 2 * cin + cin * cout + 2 * cout;

    [Fact]
    public void MobileNet9()
    {
        long expected = ConvBn(3, 32, 3)
            + Separable(32, 64) + Separable(64, 128) + Separable(128, 128) + Separable(128, 256)
            + Separable(256, 512) + Separable(512, 512) + Separable(512, 1024)
            + Linear(1024, 1000);
        Assert.Equal(2_026_024, expected);
        Assert.Equal(expected, Count(new ModelSpec("mobilenet9", 1000, ImageSize: 64)));
    }

    [Fact]
    public void MobileNetV1MatchesHowardEtAl()
    {
        // Howard et al. 2017 Table 4: 4.2 million parameters.
        long expected = ConvBn(3, 32, 3) + Separable(32, 64) + Separable(64, 128) + Separable(128, 128)
            + Separable(128, 256) + Separable(256, 256) + Separable(256, 512) + 5 * Separable(512, 512)
            + Separable(512, 1024) + Separable(1024, 1024) + Linear(1024, 1000);
        Assert.Equal(4_231_976, expected);
        Assert.Equal(expected, Count(new ModelSpec("mobilenetv1", 1000, ImageSize: 64)));
    }

    [Fact]
    public void ImageNetResNet18MatchesTorchvisionAndAdaptsToMotionVectors()
    {
        long basic(long cin, long cout, bool project) =>
            ConvBn(cin, cout, 3) + ConvBn(cout, cout, 3) + (project ? ConvBn(cin, cout, 1) : 0);
        long body = 2 * basic(64, 64, false)
            + basic(64, 128, true) + basic(128, 128, false)
            + basic(128, 256, true) + basic(256, 256, false)
            + basic(256, 512, true) + basic(512, 512, false);
        long rgb1000 = ConvBn(3, 64, 7) + body + Linear(512, 1000);
        Assert.Equal(11_689_512, rgb1000);   // torchvision resnet18
        Assert.Equal(rgb1000, Count(new ModelSpec("resnet18", 1000, ImageSize: 224)));
        long mv101 = ConvBn(2, 64, 7) + body + Linear(512, 101);
        Assert.Equal(mv101, Count(new ModelSpec("resnet18", 101, InChannels: 2, ImageSize: 224)));
    }

    [Fact]
    public void WidthMultiplierScalesEveryLayer()
    {
        long expected = ConvBn(3, 32, 3) + 2 * ConvBn(32, 32, 3) + ConvBn(32, 64, 3) + ConvBn(64, 64, 3)
            + ConvBn(64, 128, 3) + ConvBn(128, 128, 3) + Linear(128, 100);
        Assert.Equal(expected, Count(new ModelSpec("resnet8", 100, Width: 2.0)));
    }
}
