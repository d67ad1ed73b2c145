using Distill.Models.Detection;
using Distill.Runtime;
using static TorchSharp.torch;

namespace Distill.Tests.Detection;

public class RoiAlignTests
{
    public RoiAlignTests() => TorchRuntime.Initialize(seed: 5, quiet: true);

    // F[y, x] on a 4 x 4 map, one channel; deliberately not linear so the bilinear weights matter.
    static Tensor Map() => tensor(new float[]
    {
        0, 1, 4, 9,
        2, 8, 3, 0,
        5, 5, 1, 7,
        6, 0, 2, 3,
    }).view(1, 1, 4, 4);

    static Tensor Roi(params float[] r) => tensor(r).view(-1, 5);

    [Fact]
    public void AlignedBilinearSamplesMatchHandValues()
    {
        // RoI (1, 1, 3, 2), aligned: shifted by -0.5 -> x in [0.5, 2.5], y in [0.5, 1.5]; 1 x 2 bins, 2 x 2 samples each.
        // Bin 0 samples x = 0.75, 1.25 and y = 0.75, 1.25:
        //   f(.75,.75) = .0625*0 + .1875*1 + .1875*2 + .5625*8 = 5.0625    f(.75,1.25) = .1875*1 + .0625*4 + .5625*8 + .1875*3 = 5.5
        //   f(1.25,.75) = .1875*2 + .5625*8 + .0625*5 + .1875*5 = 6.125     f(1.25,1.25) = .5625*8 + .1875*3 + .1875*5 + .0625*1 = 6.0625
        //   mean 5.6875
        // Bin 1 samples x = 1.75, 2.25: 4.0, 3.0, 3.6875, 2.3125 -> mean 3.25
        var pooled = new RoiAlign(1, 2, spatialScale: 1, samplingRatio: 2, aligned: true).Apply(Map(), Roi(0, 1, 1, 3, 2));
        Assert.Equal(new long[] { 1, 1, 1, 2 }, pooled.shape);
        var v = pooled.data<float>().ToArray();
        Assert.Equal(5.6875, v[0], 5);
        Assert.Equal(3.25, v[1], 5);
    }

    [Fact]
    public void UnalignedUsesSpatialScaleAndMinimumSize()
    {
        // Scale 0.5: RoI (2, 2, 3, 3) -> (1, 1, 1.5, 1.5), forced to 1 x 1 cell; one sample at (1.5, 1.5):
        // .25 * (8 + 3 + 5 + 1) = 4.25
        var pooled = new RoiAlign(1, 1, spatialScale: 0.5, samplingRatio: 1, aligned: false).Apply(Map(), Roi(0, 2, 2, 3, 3));
        Assert.Equal(4.25, pooled.item<float>(), 5);
    }

    [Fact]
    public void ClampsAtTheLastCellAndZeroesFarOutside()
    {
        var align = new RoiAlign(1, 1, spatialScale: 1, samplingRatio: 1, aligned: false);
        // One sample at (3.5, 3.5): inside the last cell's extent, clamped to F[3, 3] = 3.
        Assert.Equal(3f, align.Apply(Map(), Roi(0, 3, 3, 4, 4)).item<float>());
        // One sample at (10.5, 10.5): more than one cell outside, reads 0.
        Assert.Equal(0f, align.Apply(Map(), Roi(0, 10, 10, 11, 11)).item<float>());
    }

    [Fact]
    public void AdaptiveSamplingEqualsTheFixedRatioOfEachRoi()
    {
        var features = rand(2, 3, 8, 8);
        // RoI 0 spans 4 cells over 2 bins -> 2 samples per bin; RoI 1 spans 6 cells over 2 bins -> 3 samples per bin.
        var rois = Roi(0, 0, 0, 4, 4, 1, 1, 1, 7, 7);
        var adaptive = new RoiAlign(2, 2, 1, samplingRatio: 0).Apply(features, rois);
        var two = new RoiAlign(2, 2, 1, samplingRatio: 2).Apply(features, rois[0..1]);
        var three = new RoiAlign(2, 2, 1, samplingRatio: 3).Apply(features, rois[1..2]);
        Assert.True(allclose(adaptive[0..1], two));
        Assert.True(allclose(adaptive[1..2], three));
    }

    [Fact]
    public void GradientReachesTheFeatureMapWithTheBilinearWeights()
    {
        var features = Map().clone().requires_grad_(true);
        var pooled = new RoiAlign(1, 1, 1, samplingRatio: 1, aligned: false).Apply(features, Roi(0, 0.75f, 0.25f, 1.75f, 1.25f));
        // Forced to 1 x 1: the sample is at (y, x) = (0.75, 1.25): weights .1875 F01, .0625 F02, .5625 F11, .1875 F12.
        pooled.sum().backward();
        var g = features.grad!.data<float>().ToArray();
        Assert.Equal(0.1875f, g[1], 5);
        Assert.Equal(0.0625f, g[2], 5);
        Assert.Equal(0.5625f, g[5], 5);
        Assert.Equal(0.1875f, g[6], 5);
        Assert.Equal(1.0, g.Sum(), 5);
    }
}
