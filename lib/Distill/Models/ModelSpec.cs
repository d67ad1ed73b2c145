namespace Distill.Models;

/// <summary>Everything needed to build a zoo model by name (see <see cref="ModelZoo"/>).</summary>
/// <param name="Name">Zoo name, e.g. "resnet32", "vgg11", "mobilenet16", "resnet152".</param>
/// <param name="NumClasses">Size of the classifier.</param>
/// <param name="InChannels">3 for RGB, 1 for Fashion-MNIST, 2 for motion vectors.</param>
/// <param name="ImageSize">Input height = width the model is built for (32 CIFAR, 28 Fashion-MNIST, 64 ImageNet 64x64, 224 video).</param>
/// <param name="Width">Channel width multiplier.</param>
public sealed record ModelSpec(string Name, int NumClasses, int InChannels = 3, int ImageSize = 32, double Width = 1.0);
