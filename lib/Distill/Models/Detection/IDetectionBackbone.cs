using static TorchSharp.torch;

namespace Distill.Models.Detection;

/// <summary>
/// What Faster R-CNN needs from a backbone: a module mapping images [B, 3, H, W] to one feature map
/// [B, <see cref="OutChannels"/>, ceil(H / <see cref="Stride"/>), ceil(W / <see cref="Stride"/>)].
/// Classification networks of the zoo (VGG-16, ResNet-50) are adapted to it by cutting them before their pooling head.
/// </summary>
public interface IDetectionBackbone
{
    nn.Module<Tensor, Tensor> Module { get; }
    int OutChannels { get; }
    int Stride { get; }
}
