using Distill.Runtime;
using static TorchSharp.torch;

namespace Distill.Tests;

/// <summary>The held-Scalar arithmetic gives the operators' values and dtypes (integer tensors stay integer).</summary>
public class HeldScalarsTests
{
    public HeldScalarsTests() => TorchRuntime.Initialize(seed: 0, quiet: true);

    [Fact]
    public void FloatArithmeticMatchesTheOperators()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new[] { -1.5f, 0.25f, 3f });
        var y = tensor(new[] { 2f, -4f, 0.5f });
        Assert.Equal(new[] { 0.5f, -3.75f, 3.5f }, x.Plus(y).data<float>().ToArray());
        Assert.Equal(new[] { -1f, 0.75f, 3.5f }, x.Plus(0.5).data<float>().ToArray());
        Assert.Equal(new[] { -2f, -0.25f, 2.5f }, x.Minus(0.5).data<float>().ToArray());
        Assert.Equal(new[] { -3f, 0.5f, 6f }, x.Times(2.0).data<float>().ToArray());
        Assert.Equal(new[] { -0.75f, 0.125f, 1.5f }, x.DividedBy(2.0).data<float>().ToArray());
        Assert.Equal(new[] { 2.5f, 0.75f, -2f }, x.From(1).data<float>().ToArray());
        Assert.Equal(new[] { 0f, 0.25f, 3f }, x.ClampMin(0).data<float>().ToArray());
        Assert.Equal(new[] { -1.5f, 0.25f, 1f }, x.ClampMax(1).data<float>().ToArray());
        Assert.Equal(new[] { 0f, 0.25f, 2f }, x.Clamp(0, 2).data<float>().ToArray());
        Assert.Equal(new[] { false, false, true }, x.Above(0.25).data<bool>().ToArray());
        Assert.Equal(new[] { false, true, true }, x.AtLeast(0.25).data<bool>().ToArray());
        Assert.Equal(new[] { true, false, false }, x.Below(0.25).data<bool>().ToArray());
        Assert.Equal(new[] { true, true, false }, x.AtMost(0.25).data<bool>().ToArray());
    }

    [Fact]
    public void IntegerTensorsKeepTheirDtype()
    {
        using var scope = NewDisposeScope();
        var labels = tensor(new long[] { -2, -1, 0, 3 });
        Assert.Equal(new long[] { 0, 0, 0, 3 }, labels.ClampMin(0).data<long>().ToArray());
        Assert.Equal(new long[] { 8, 9, 10, 13 }, labels.Plus(10).data<long>().ToArray());
        Assert.Equal(new long[] { -10, -5, 0, 15 }, labels.Times(5).data<long>().ToArray());
        Assert.Equal(new long[] { 7, 6, 5, 2 }, labels.From(5).data<long>().ToArray());
        Assert.Equal(int64, labels.ClampMin(0).dtype);
        Assert.Equal(new long[] { 0, 1, 2, 3, 4 }, HeldScalars.Range(5).data<long>().ToArray());
        Assert.Equal(int64, HeldScalars.Range(5).dtype);
    }
}
