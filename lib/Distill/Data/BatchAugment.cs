using Distill.Runtime;
using static TorchSharp.torch;

namespace Distill.Data;

/// <summary>
/// The batch-wide augmentation kernel: random crop with zero padding and horizontal flip of a whole batch in two
/// gathers, with no per-example loop. Output pixel (y, x) of example b is padded input
/// (y + dy[b], flip[b] ? W-1-x + dx[b] : x + dx[b]), where the padded image has <c>padding</c> zeros on each side.
/// </summary>
public static class BatchAugment
{
    /// <param name="images">[B, C, H, W] of any dtype (uint8 on the loader's path).</param>
    /// <param name="padding">Zeros added on each side before cropping back to H x W.</param>
    /// <param name="shiftY">[B] int64 crop offsets in 0..2*padding (padding = no shift).</param>
    /// <param name="shiftX">[B] int64 crop offsets in 0..2*padding.</param>
    /// <param name="flip">[B] bool: mirror this example left-right.</param>
    public static Tensor CropAndFlip(Tensor images, int padding, Tensor shiftY, Tensor shiftX, Tensor flip)
    {
        using var scope = NewDisposeScope();
        long b = images.shape[0], c = images.shape[1], h = images.shape[2], w = images.shape[3];
        var padded = padding > 0 ? nn.functional.pad(images, [padding, padding, padding, padding]) : images;
        var device = images.device;
        var columns = HeldScalars.Range(w, device).view(1, w);
        var rowIndex = shiftY.view(b, 1).Plus(HeldScalars.Range(h, device).view(1, h));
        var colIndex = shiftX.view(b, 1).Plus(where(flip.view(b, 1), columns.From(w - 1), columns));
        var rows = padded.gather(2, rowIndex.view(b, 1, h, 1).expand(b, c, h, w + 2 * padding));
        return rows.gather(3, colIndex.view(b, 1, 1, w).expand(b, c, h, w)).MoveToOuterDisposeScope();
    }
}
