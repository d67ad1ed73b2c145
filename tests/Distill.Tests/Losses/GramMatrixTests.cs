using Distill.Losses;
using Distill.Runtime;
using static Distill.Tests.Losses.GramFixtures;

namespace Distill.Tests.Losses;

public class GramMatrixTests
{
    public GramMatrixTests() => TorchRuntime.Initialize(seed: 11, quiet: true);

    [Fact]
    public void SameResolutionIsSumOverPositionsOverArea()
    {
        // a = [1,2,3,4], b = [0,1,1,0]; c = [1,0,0,1], d = [2,2,1,1]; h*w = 4
        // G[a,c] = (1 + 0 + 0 + 4) / 4 = 1.25   G[a,d] = (2 + 4 + 3 + 4) / 4 = 3.25
        // G[b,c] = (0 + 0 + 0 + 0) / 4 = 0      G[b,d] = (0 + 2 + 1 + 0) / 4 = 0.75
        var g = GramMatrix.Compute(F1(), F2());
        Assert.Equal(new long[] { 1, 2, 2 }, g.shape);
        Assert.Equal(new[] { 1.25, 3.25, 0.0, 0.75 }, Values(g));
    }

    [Fact]
    public void SwappingTheMapsTransposesTheMatrix()
    {
        Assert.Equal(new[] { 1.25, 0.0, 3.25, 0.75 }, Values(GramMatrix.Compute(F2(), F1())));
    }

    [Fact]
    public void LargerMapIsAveragePooledToTheSmallerSize()
    {
        // P average-pooled to 2x2 = [2, 1, 6, 4]
        // G[p,c] = (2*1 + 1*0 + 6*0 + 4*1) / 4 = 6/4 = 1.5
        // G[p,d] = (2*2 + 1*2 + 6*1 + 4*1) / 4 = 16/4 = 4
        Assert.Equal(new[] { 1.5, 4.0 }, Values(GramMatrix.Compute(P(), F2())));
        // and in the other argument order the smaller map is left alone, the larger still pooled
        Assert.Equal(new[] { 1.5, 4.0 }, Values(GramMatrix.Compute(F2(), P())));
    }

    [Fact]
    public void MaxPoolingOptionTakesBlockMaxima()
    {
        // P max-pooled to 2x2 = [3, 2, 7, 4]
        // G[p,c] = (3 + 4) / 4 = 1.75   G[p,d] = (6 + 4 + 7 + 4) / 4 = 5.25
        Assert.Equal(new[] { 1.75, 5.25 }, Values(GramMatrix.Compute(P(), F2(), GramPooling.Max)));
    }

    [Fact]
    public void EachSampleOfTheBatchHasItsOwnMatrix()
    {
        var first = TorchSharp.torch.cat([F1(), F1() * 2], 0);
        var second = TorchSharp.torch.cat([F2(), F2()], 0);
        // sample 2 has F1 doubled, so its matrix is doubled
        Assert.Equal(new[] { 1.25, 3.25, 0.0, 0.75, 2.5, 6.5, 0.0, 1.5 }, Values(GramMatrix.Compute(first, second)));
    }

    /// <summary>Wide maps (more channels than positions, where the area divides the narrower operand instead of the
    /// product) and narrow ones give the sum over positions over the area alike.</summary>
    [Theory]
    [InlineData(3, 8, 2)]    // h*w = 4 <= C2 = 8
    [InlineData(3, 2, 3)]    // h*w = 9 > C2 = 2
    public void WideAndNarrowMapsGiveTheDefinition(int c1, int c2, int side)
    {
        var first = TorchSharp.torch.randn(2, c1, side, side, TorchSharp.torch.float64);
        var second = TorchSharp.torch.randn(2, c2, side, side, TorchSharp.torch.float64);
        var g = GramMatrix.Compute(first, second).data<double>().ToArray();
        var f = first.data<double>().ToArray();
        var s = second.data<double>().ToArray();
        int area = side * side;
        for (int n = 0; n < 2; n++)
            for (int i = 0; i < c1; i++)
                for (int j = 0; j < c2; j++)
                {
                    double sum = 0;
                    for (int p = 0; p < area; p++) sum += f[(n * c1 + i) * area + p] * s[(n * c2 + j) * area + p];
                    Assert.Equal(sum / area, g[(n * c1 + i) * c2 + j], 12);
                }
    }

    [Fact]
    public void RejectsMapsThatAreNotFourDimensionalOrDifferInBatch()
    {
        var flat = TorchSharp.torch.zeros(2, 3);
        Assert.Contains("[N, C, h, w]", Assert.Throws<ArgumentException>(() => GramMatrix.Compute(flat, F2())).Message);
        var twoSamples = TorchSharp.torch.cat([F1(), F1()], 0);
        Assert.Contains("batch sizes differ (2 vs 1)", Assert.Throws<ArgumentException>(() => GramMatrix.Compute(twoSamples, F2())).Message);
    }
}
