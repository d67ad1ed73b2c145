using Distill.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Models;

/// <summary>
/// Batch norm over [N, C, H, W] (Ioffe &amp; Szegedy 2015) as PyTorch's BatchNorm2d computes it (eps 1e-5, momentum 0.1,
/// affine, running statistics), with the same parameters and buffers, so checkpoints and numbers are TorchSharp's
/// <c>nn.BatchNorm2d</c>'s. The one difference: TorchSharp 0.107's training forward counts the batch with
/// <c>num_batches_tracked.add_(1)</c>, whose two implicit Scalars (the 1 and the alpha) only the finalizer frees, so a
/// collection on another thread can free one while libtorch reads it (seen in CI: "For integral input tensors, argument
/// alpha must not be a floating point number" on a fresh thread; <see cref="HeldScalars"/>). Here the count goes through
/// held Scalars.
/// </summary>
public sealed class HeldBatchNorm2d : BatchNorm
{
    public HeldBatchNorm2d(long features)
        : base(features, eps: 1e-5, momentum: 0.1, affine: true, track_running_stats: true, device: null, dtype: null, name: nameof(BatchNorm2d))
    {
    }

    protected override void ValidateInputDimensions(Tensor input)
    {
        if (input.Dimensions != 4) throw new ArgumentException($"BatchNorm2d expects [N, C, H, W], got a {input.Dimensions}-d tensor.");
    }

    /// <summary>Training: normalises by the batch's statistics and moves the running ones by the momentum; evaluation: by the running ones.</summary>
    public override Tensor forward(Tensor input)
    {
        ValidateInputDimensions(input);
        if (training) num_batches_tracked!.PlusInPlace(1L);
        return nn.functional.batch_norm(input, running_mean!, running_var!, weight, bias, training, momentum!.Value, eps);
    }
}
