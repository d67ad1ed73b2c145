using static TorchSharp.torch;
using TorchSharp;

namespace Distill.Training;

/// <summary>
/// Speed settings that are real in TorchSharp 0.107 on CUDA and are left off on the CPU:
/// channels-last input batches (NHWC memory, NCHW shape; cuDNN then runs its NHWC convolution kernels and the
/// layout propagates through the network) and TF32 tensor-core math for convolutions and matrix products.
/// TorchSharp 0.107 has no autocast and no GradScaler, so float16/bfloat16 mixed precision is not offered here.
/// </summary>
public sealed record DeviceTuning(bool ChannelsLast, bool TensorFloat32)
{
    public static DeviceTuning For(Device device) =>
        device.type == DeviceType.CUDA ? new DeviceTuning(true, true) : new DeviceTuning(false, false);

    /// <summary>Sets the process-wide TF32 switches (matmul and cuDNN) on CUDA.</summary>
    public void Apply(Device device)
    {
        if (device.type != DeviceType.CUDA) return;
        backends.cuda.matmul.allow_tf32 = TensorFloat32;
        backends.cudnn.allow_tf32 = TensorFloat32;
    }

    /// <summary>The batch in the layout the network should see; the input itself when channels-last is off.</summary>
    public Tensor Layout(Tensor images) => ChannelsLast && images.dim() == 4 ? ToChannelsLast(images) : images;

    /// <summary>Same values and shape [N, C, H, W], stored as N, H, W, C (the strides of torch.channels_last).</summary>
    public static Tensor ToChannelsLast(Tensor images) => images.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
}
