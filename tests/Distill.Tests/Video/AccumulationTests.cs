using Distill.Data.Video;

namespace Distill.Tests.Video;

/// <summary>CoViAR's accumulation on small hand-traced fields (no video).</summary>
public sealed class AccumulationTests
{
    const int W = 4, H = 3;

    static short[] Field(params (int X, int Y, int Dx, int Dy)[] entries)
    {
        var f = new short[W * H * 2];
        foreach (var (x, y, dx, dy) in entries)
        {
            f[(y * W + x) * 2] = (short)dx;
            f[(y * W + x) * 2 + 1] = (short)dy;
        }
        return f;
    }

    static (int, int) At(short[] f, int x, int y) => (f[(y * W + x) * 2], f[(y * W + x) * 2 + 1]);

    [Fact]
    public void AccumulatedVectorFollowsThePixelBackThroughEachFrame()
    {
        // Frame 1: pixel (1,1) came from (0,1). Frame 2: pixel (2,2) came from (1,1), pixel (3,0) from (3,0).
        var f1 = Field((1, 1, 1, 0), (2, 0, -1, 0));
        var f2 = Field((2, 2, 1, 1), (0, 0, -2, 0));
        var acc1 = MotionField.Accumulate(new short[W * H * 2], f1, W, H);
        Assert.Equal(f1, acc1);
        var acc2 = MotionField.Accumulate(acc1, f2, W, H);
        // (2,2): one step to (1,1), which traced to (0,1) in the I-frame: total (2,1).
        Assert.Equal((2, 1), At(acc2, 2, 2));
        // (0,0): its source (2,0) moved (-1,0) in frame 1: total (-2,0) + (-1,0) = (-3,0), I-frame pixel (3,0).
        Assert.Equal((-3, 0), At(acc2, 0, 0));
        // (1,1) did not move in frame 2, so it keeps frame 1's accumulated vector.
        Assert.Equal((1, 0), At(acc2, 1, 1));
        // A pixel that never moved.
        Assert.Equal((0, 0), At(acc2, 3, 2));
    }

    [Fact]
    public void SourcesOutsideTheFrameAreClampedToTheBorder()
    {
        // Pixel (0,0) claims to come from (-2,-1): clamped to (0,0), which had accumulated (1,1) before.
        var previous = Field((0, 0, 1, 1));
        var acc = MotionField.Accumulate(previous, Field((0, 0, 2, 1)), W, H);
        Assert.Equal((1, 1), At(acc, 0, 0));
    }

    [Fact]
    public void WarpingTheIFrameByTheAccumulatedFieldPicksTheTracedPixels()
    {
        var iFrame = new byte[W * H * 3];
        for (int i = 0; i < iFrame.Length; i++) iFrame[i] = (byte)(i * 7);
        var acc = Field((2, 2, 2, 1));
        var warped = MotionField.Predict(iFrame, acc, W, H);
        int dst = (2 * W + 2) * 3, src = (1 * W + 0) * 3;
        Assert.Equal(iFrame[src..(src + 3)], warped[dst..(dst + 3)]);
        Assert.Equal(iFrame[0..3], warped[0..3]);
    }

    [Fact]
    public void RasteriseFillsEachBlockAroundItsCentreWithDstMinusSrc()
    {
        var v = new MotionVector { Source = -1, BlockWidth = 2, BlockHeight = 2, DstX = 2, DstY = 1, SrcX = 1, SrcY = 2 };
        var future = new MotionVector { Source = 1, BlockWidth = 2, BlockHeight = 2, DstX = 1, DstY = 1, SrcX = 0, SrcY = 0 };
        var f = MotionField.Rasterise([v, future], W, H);
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++)
                Assert.Equal(x is 1 or 2 && y is 0 or 1 ? (1, -1) : (0, 0), At(f, x, y));
    }
}
