using Distill.Data;
using Distill.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Tests.Data;

/// <summary>The batch crop-and-flip kernel against hand-computed 3x3 examples.</summary>
public class BatchAugmentTests
{
    public BatchAugmentTests() => TorchRuntime.Initialize(seed: 0, quiet: true);

    /// <summary>[[1 2 3] [4 5 6] [7 8 9]] as one 1x3x3 uint8 image.</summary>
    static Tensor Digits(int copies = 1) =>
        tensor(Enumerable.Range(0, copies).SelectMany(_ => Enumerable.Range(1, 9).Select(v => (byte)v)).ToArray(), ScalarType.Byte)
            .view(copies, 1, 3, 3);

    static byte[] Run(Tensor images, int padding, long[] dy, long[] dx, bool[] flip)
    {
        using var scope = NewDisposeScope();
        var output = BatchAugment.CropAndFlip(images, padding, tensor(dy), tensor(dx), tensor(flip));
        Assert.Equal(images.shape, output.shape);
        Assert.Equal(ScalarType.Byte, output.dtype);
        return output.data<byte>().ToArray();
    }

    [Fact]
    public void CentredCropWithoutFlipIsTheIdentity() =>
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, Run(Digits(), 1, [1], [1], [false]));

    [Fact]
    public void CropShiftsContentAndFillsWithZeros()
    {
        // Offset (0, 2) in the 5x5 padded image: output (y, x) = original (y - 1, x + 1).
        Assert.Equal(new byte[] { 0, 0, 0, 2, 3, 0, 5, 6, 0 }, Run(Digits(), 1, [0], [2], [false]));
        // Offset (2, 0): output (y, x) = original (y + 1, x - 1).
        Assert.Equal(new byte[] { 0, 4, 5, 0, 7, 8, 0, 0, 0 }, Run(Digits(), 1, [2], [0], [false]));
    }

    [Fact]
    public void FlipMirrorsEachRow() =>
        Assert.Equal(new byte[] { 3, 2, 1, 6, 5, 4, 9, 8, 7 }, Run(Digits(), 0, [0], [0], [true]));

    [Fact]
    public void FlipAppliesWithinTheCropWindow() =>
        // Window columns 0..2 of the padded image (pad, 1, 2), mirrored: (2, 1, pad).
        Assert.Equal(new byte[] { 2, 1, 0, 5, 4, 0, 8, 7, 0 }, Run(Digits(), 1, [1], [0], [true]));

    [Fact]
    public void EachExampleGetsItsOwnCropAndFlip() =>
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, /* */ 0, 0, 0, 3, 2, 1, 6, 5, 4 },
            Run(Digits(2), 1, [1, 0], [1, 1], [false, true]));
}
