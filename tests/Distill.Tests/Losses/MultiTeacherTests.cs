using Distill.Losses;
using Distill.Models;
using Distill.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Tests.Losses;

public class MultiTeacherTests
{
    public MultiTeacherTests() => TorchRuntime.Initialize(seed: 7, quiet: true);

    [Fact]
    public void ThreeTeacherExampleMatchesTheHandComputedValue()
    {
        // T = 2, student [0, 0] -> p = [1/2, 1/2].
        // Teacher A [2 ln 3, 0] -> q = [3/4, 1/4]: T^2 KL(q || p) = 4 (3/4 ln(3/2) + 1/4 ln(1/2)) = ln(27/16).
        // Teacher B [0, 0] -> q = p: 0.  Teacher C [0, 2 ln 3] -> q = [1/4, 3/4]: ln(27/16) by symmetry.
        // Weights [1, 1, 2] normalise to [1/4, 1/4, 1/2]: L = 1/4 ln(27/16) + 0 + 1/2 ln(27/16) = 3/4 ln(27/16).
        var student = zeros(1, 2, dtype: ScalarType.Float64);
        var a = tensor(new[] { 2 * Math.Log(3), 0 }, dtype: ScalarType.Float64).reshape(1, 2);
        var b = zeros(1, 2, dtype: ScalarType.Float64);
        var c = tensor(new[] { 0, 2 * Math.Log(3) }, dtype: ScalarType.Float64).reshape(1, 2);
        var loss = HintonKd.MultiTeacher(temperature: 2, weights: [1, 1, 2]).Compute(LogitTaps.Of(student), [LogitTaps.Of(a), LogitTaps.Of(b), LogitTaps.Of(c)], LogitTaps.NoLabels);
        Assert.Equal(0.75 * Math.Log(27.0 / 16.0), loss.item<double>(), 14);
    }

    [Fact]
    public void EqualWeightsByDefaultAndOneTeacherIsHintonKd()
    {
        var student = randn(4, 6, dtype: ScalarType.Float64);
        var t1 = randn(4, 6, dtype: ScalarType.Float64) * 2;
        var t2 = randn(4, 6, dtype: ScalarType.Float64) * 2;
        var single = HintonKd.MultiTeacher(3).Compute(LogitTaps.Of(student), [LogitTaps.Of(t1)], LogitTaps.NoLabels).item<double>();
        Assert.Equal(new HintonKd(3).Compute(LogitTaps.Of(student), [LogitTaps.Of(t1)], LogitTaps.NoLabels).item<double>(), single, 12);
        var both = HintonKd.MultiTeacher(3).Compute(LogitTaps.Of(student), [LogitTaps.Of(t1), LogitTaps.Of(t2)], LogitTaps.NoLabels).item<double>();
        var second = HintonKd.MultiTeacher(3).Compute(LogitTaps.Of(student), [LogitTaps.Of(t2)], LogitTaps.NoLabels).item<double>();
        Assert.Equal((single + second) / 2, both, 12);
    }

    [Fact]
    public void GradientMatchesFiniteDifferencesAndTheClosedForm()
    {
        const double t = 3;
        double[] w = [0.5, 0.3, 0.2];
        var student = (randn(3, 5, dtype: ScalarType.Float64) * 2).requires_grad_(true);
        var teachers = Enumerable.Range(0, 3).Select(_ => randn(3, 5, dtype: ScalarType.Float64) * 2).ToArray();
        var term = HintonKd.MultiTeacher(t, w);
        Tensor Loss() => term.Compute(LogitTaps.Of(student), teachers.Select(LogitTaps.Of).ToList(), LogitTaps.NoLabels);
        Assert.Equal(15, GradientCheck.AssertMatchesFiniteDifferences(Loss, [student]));

        // d/dz_S of T^2 sum_k w_k (1/N) KL(q_k || p_S) = T (p_S - sum_k w_k q_k) / N
        student.grad!.zero_();
        Loss().backward();
        var mixture = teachers.Select((z, k) => softmax(z / t, 1) * w[k]).Aggregate((x, y) => x + y);
        var expected = (softmax(student.detach() / t, 1) - mixture) * (t / 3);
        Assert.True(allclose(student.grad!, expected, rtol: 1e-10, atol: 1e-12));
    }

    [Fact]
    public void RegistryReadsPerTeacherWeightsAndRejectsGaps()
    {
        var spec = LossSpec.Of(HintonKd.Names.MultiTeacher, 0.9, new HintonKd.Parameters { Temperature = 2, Weights = [2, 1, 1] });
        Assert.Equal("""{"temperature":2,"weights":[2,1,1]}""", spec.Parameters.ToJsonString());
        var term = Assert.IsType<HintonKd>(LossRegistry.Create(spec));
        Assert.Equal((HintonKd.Names.MultiTeacher, TeacherMixture.Sum), (term.Key, term.Mixture));
        Assert.Equal([0.5, 0.25, 0.25], term.Weights!);
        Assert.Equal(2, term.Temperature);
        var numbered = new LossSpec(HintonKd.Names.MultiTeacher, 1, new() { ["weight_0"] = 1, ["weight_1"] = 1 });
        var old = Assert.Throws<ArgumentException>(() => LossRegistry.Create(numbered)).Message;
        Assert.Contains("'multi_teacher' has no parameter(s) weight_0, weight_1. Allowed: temperature, mixture, weights.", old);
        var typo = new LossSpec(HintonKd.Names.MultiTeacher, 1, new() { ["temprature"] = 1 });
        Assert.Contains("temprature", Assert.Throws<ArgumentException>(() => LossRegistry.Create(typo)).Message);
        var notAList = new LossSpec(HintonKd.Names.MultiTeacher, 1, new() { ["weights"] = 1 });
        Assert.Contains("'multi_teacher'", Assert.Throws<ArgumentException>(() => LossRegistry.Create(notAList)).Message);
    }

    [Fact]
    public void WeightCountMustMatchTheTeachers()
    {
        var z = zeros(2, 3);
        var error = Assert.Throws<ArgumentException>(() => HintonKd.MultiTeacher(4, [1, 1]).Compute(LogitTaps.Of(z), [LogitTaps.Of(z), LogitTaps.Of(z), LogitTaps.Of(z)], LogitTaps.NoLabels));
        Assert.Contains("built for 2 teacher(s), given 3", error.Message);
        Assert.Throws<ArgumentException>(() => HintonKd.MultiTeacher().Compute(LogitTaps.Of(z), [], LogitTaps.NoLabels));
    }
}
