using Distill.Reporting;

namespace Distill.Tests.Reporting;

public class WelchTestTests
{
    /// <summary>Student's t has closed forms for 1 and 2 degrees of freedom: p = 1 - (2/pi) atan|t| and
    /// p = 1 - |t| / sqrt(2 + t^2) (two-sided).</summary>
    [Theory]
    [InlineData(0.3)]
    [InlineData(1.0)]
    [InlineData(2.5)]
    [InlineData(12.7)]
    public void TwoSidedPMatchesTheClosedForms(double t)
    {
        Assert.Equal(1 - 2 / Math.PI * Math.Atan(t), WelchTest.TwoSidedP(t, 1), 12);
        Assert.Equal(1 - t / Math.Sqrt(2 + t * t), WelchTest.TwoSidedP(-t, 2), 12);
    }

    /// <summary>The 5 % and 1 % two-sided critical values of the t tables.</summary>
    [Theory]
    [InlineData(12.706204736, 1, 0.05)]
    [InlineData(2.776445105, 4, 0.05)]
    [InlineData(2.228138852, 10, 0.05)]
    [InlineData(3.169272673, 10, 0.01)]
    [InlineData(2.042272456, 30, 0.05)]
    public void CriticalValuesGiveTheirLevel(double t, double df, double p) => Assert.Equal(p, WelchTest.TwoSidedP(t, df), 8);

    [Fact]
    public void EqualVariancesAndSizesGiveTheStudentTest()
    {
        // {1,2,3} vs {4,5,6}: difference -3, each variance 1, standard error sqrt(2/3), df = 4
        var w = WelchTest.Of([1, 2, 3], [4, 5, 6]);
        Assert.Equal(-3, w.MeanDifference, 12);
        Assert.Equal(-3 / Math.Sqrt(2.0 / 3), w.T, 12);
        Assert.Equal(4, w.DegreesOfFreedom, 12);
        Assert.Equal(WelchTest.TwoSidedP(3 / Math.Sqrt(2.0 / 3), 4), w.P, 15);
        Assert.InRange(w.P, 0.021, 0.022);   // t = 3.674 on 4 df
    }

    [Fact]
    public void UnequalVariancesUseTheWelchSatterthwaiteDegreesOfFreedom()
    {
        // variances 1 and 16 over 3 values each: (1/3 + 16/3)^2 / ((1/3)^2/2 + (16/3)^2/2) = 289/128.5
        var w = WelchTest.Of([1, 2, 3], [0, 4, 8]);
        Assert.Equal(289 / 128.5, w.DegreesOfFreedom, 12);
        Assert.Equal(-2 / Math.Sqrt(17.0 / 3), w.T, 12);
    }

    [Fact]
    public void OneValueASideIsRefused() =>
        Assert.Contains("at least two values", Assert.Throws<ArgumentException>(() => WelchTest.Of([1], [2, 3])).Message);
}
