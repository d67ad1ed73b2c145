using Distill.Losses;
using Distill.Models;
using Distill.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Tests.Losses;

public class OfflineKlTests
{
    public OfflineKlTests() => TorchRuntime.Initialize(seed: 14, quiet: true);

    [Fact]
    public void IdenticalLogitsGiveZero()
    {
        var logits = randn(5, 100, dtype: ScalarType.Float64) * 3;
        Assert.Equal(0.0, HintonKd.OfflineKl(4).Compute(LogitTaps.Of(logits), [LogitTaps.Of(logits.clone())], LogitTaps.NoLabels).item<double>(), 14);
    }

    [Fact]
    public void TwoClassExampleMatchesTheHandComputedValue()
    {
        // T = 2. Row 0: teacher logits [2 ln 3, 0] -> z/T = [ln 3, 0] -> q = [3/4, 1/4]; student [0, 0] -> p = [1/2, 1/2]
        //   KL(q || p) = 3/4 ln(3/2) + 1/4 ln(1/2);  times T^2 = 4: 3 ln(3/2) - ln 2 = ln(27/16)
        // Row 1: identical logits -> 0.  batchmean over N = 2: ln(27/16) / 2 = 0.26162...
        var teacher = tensor(new[] { 2 * Math.Log(3), 0, 1.5, -0.5 }, dtype: ScalarType.Float64).reshape(2, 2);
        var student = tensor(new[] { 0.0, 0, 1.5, -0.5 }, dtype: ScalarType.Float64).reshape(2, 2);
        var loss = HintonKd.OfflineKl(temperature: 2).Compute(LogitTaps.Of(student), [LogitTaps.Of(teacher)], LogitTaps.NoLabels).item<double>();
        Assert.Equal(Math.Log(27.0 / 16.0) / 2, loss, 14);
    }

    [Fact]
    public void DirectionIsTeacherToStudent()
    {
        // KL(p || q) with the roles swapped would be T^2 * (1/2 ln(2/3) + 1/2 ln 2) = 4 * 1/2 ln(4/3) = 2 ln(4/3), not ln(27/16)
        var teacher = tensor(new[] { 2 * Math.Log(3), 0 }, dtype: ScalarType.Float64).reshape(1, 2);
        var student = zeros(1, 2, dtype: ScalarType.Float64);
        var forward = HintonKd.OfflineKl(2).Compute(LogitTaps.Of(student), [LogitTaps.Of(teacher)], LogitTaps.NoLabels).item<double>();
        var swapped = HintonKd.OfflineKl(2).Compute(LogitTaps.Of(teacher), [LogitTaps.Of(student)], LogitTaps.NoLabels).item<double>();
        Assert.Equal(Math.Log(27.0 / 16.0), forward, 14);
        Assert.Equal(2 * Math.Log(4.0 / 3.0), swapped, 14);
    }

    [Fact]
    public void StableForExtremeLogits()
    {
        // softmax(1000 / 1) underflows every other class to exactly 0 in float32; the loss stays finite and exact
        var teacher = tensor(new float[] { 1000, 0, -1000 }).reshape(1, 3);
        var student = tensor(new float[] { 0, 1000, -1000 }).reshape(1, 3);
        var loss = HintonKd.OfflineKl(1).Compute(LogitTaps.Of(student), [LogitTaps.Of(teacher)], LogitTaps.NoLabels).item<float>();
        Assert.Equal(1000f, loss, 2);   // q = [1, 0, 0]: log q - log p = 0 - (-1000)
    }

    [Fact]
    public void GradientsMatchFiniteDifferencesAndTheClosedForm()
    {
        manual_seed(3);
        const double T = 3;
        var student = (randn(4, 6, dtype: ScalarType.Float64) * 2).requires_grad_(true);
        var teacher = randn(4, 6, dtype: ScalarType.Float64) * 2;
        var kl = HintonKd.OfflineKl(T);
        int n = GradientCheck.AssertMatchesFiniteDifferences(() => kl.Compute(LogitTaps.Of(student), [LogitTaps.Of(teacher)], LogitTaps.NoLabels), [student]);
        Assert.Equal(24, n);
        // d/dz_S of T^2/N sum KL = (T/N) (softmax(z_S/T) - softmax(z_T/T))
        var expected = (T / 4) * (softmax(student.detach() / T, 1) - softmax(teacher / T, 1));
        Assert.True(allclose(student.grad!, expected, rtol: 1e-10, atol: 1e-12));
    }

    [Fact]
    public void RejectsBadTemperatureAndTeacherCount()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => HintonKd.OfflineKl(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => HintonKd.OfflineKl(double.NaN));
        var taps = LogitTaps.Of(zeros(2, 3));
        Assert.Contains("built for 1 teacher(s), given 0",
            Assert.Throws<ArgumentException>(() => HintonKd.OfflineKl().Compute(taps, [], LogitTaps.NoLabels)).Message);
        Assert.Contains("KL target is [2, 4] but student logits are [2, 3]",
            Assert.Throws<ArgumentException>(() => HintonKd.OfflineKl().Compute(taps, [LogitTaps.Of(zeros(2, 4))], LogitTaps.NoLabels)).Message);
    }
}
