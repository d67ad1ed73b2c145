using Distill.Losses;
using Distill.Runtime;
using static TorchSharp.torch;

namespace Distill.Tests.Detection;

public class DetectionLossTests
{
    public DetectionLossTests() => TorchRuntime.Initialize(seed: 8, quiet: true);

    [Fact]
    public void WeightedSoftCeMatchesHandValue()
    {
        // Student P_s = (1/4, 3/4), teacher P_t = (1/2, 1/2), label 1, mu = 0.5, background weight 1.5.
        var student = tensor(new double[] { 0, Math.Log(3) }).view(1, 2);
        var teacher = tensor(new double[] { 0, 0 }).view(1, 2);
        var loss = WeightedSoftCe.Loss(student, teacher, tensor(new long[] { 1 }), mu: 0.5).item<double>();
        double hard = -Math.Log(0.75);
        double soft = -(1.5 * 0.5 * Math.Log(0.25) + 0.5 * Math.Log(0.75));
        Assert.Equal(0.5 * hard + 0.5 * soft, loss, 10);
    }

    [Fact]
    public void WeightedSoftCeWithTemperatureMatchesScalarFormula()
    {
        double[] s = [0.3, -1.2, 2.0], t = [1.0, 0.5, -0.7];
        double temperature = 2.5, mu = 0.3;
        var loss = WeightedSoftCe.Loss(tensor(s).view(1, 3), tensor(t).view(1, 3), tensor(new long[] { 2 }), mu, temperature, 1.5).item<double>();
        double[] Softmax(double[] z, double T) { var e = z.Select(v => Math.Exp(v / T)).ToArray(); return e.Select(v => v / e.Sum()).ToArray(); }
        var ps = Softmax(s, temperature);
        var pt = Softmax(t, temperature);
        double hard = -Math.Log(Softmax(s, 1)[2]);
        double soft = -(1.5 * pt[0] * Math.Log(ps[0]) + pt[1] * Math.Log(ps[1]) + pt[2] * Math.Log(ps[2]));
        Assert.Equal(mu * hard + (1 - mu) * soft, loss, 10);
    }

    [Fact]
    public void ObjectnessLogitIsReadAsTwoClasses()
    {
        var z = tensor(new double[] { 0.7, -2.0, 1.5 });
        var zt = tensor(new double[] { -0.3, 0.2, 3.0 });
        var labels = tensor(new long[] { 1, 0, 1 });
        var oneLogit = WeightedSoftCe.Loss(z, zt, labels, 0.5).item<double>();
        var twoLogits = WeightedSoftCe.Loss(stack([zeros_like(z), z], 1), stack([zeros_like(zt), zt], 1), labels, 0.5).item<double>();
        Assert.Equal(twoLogits, oneLogit, 12);
        // With mu = 1 it is the RPN's binary cross-entropy.
        var bce = nn.functional.binary_cross_entropy_with_logits(z, labels.to_type(float64)).item<double>();
        Assert.Equal(bce, WeightedSoftCe.Loss(z, zt, labels, 1.0).item<double>(), 10);
    }

    [Fact]
    public void WeightedSoftCeGradientMatchesFiniteDifferences()
    {
        var teacher = randn(4, 5, dtype: float64);
        var labels = tensor(new long[] { 0, 3, 1, 0 });
        FiniteDifference.AssertMatches(s => WeightedSoftCe.Loss(s, teacher, labels, 0.4, 2.0), randn(4, 5, dtype: float64));
    }

    [Fact]
    public void TeacherBoundedRegressionMatchesHandValues()
    {
        var targets = zeros(2, 4, dtype: float64);
        // Box 0: student error 1 + 0 > teacher error 0.25 -> bound active, L_b = 1; smooth-L1(1) = 0.5.
        // Box 1: student error 0.01 + margin 0.5 < teacher error 1 -> L_b = 0; smooth-L1(0.1) = 0.005.
        var student = tensor(new double[] { 1, 0, 0, 0, 0.1, 0, 0, 0 }).view(2, 4);
        var teacher = tensor(new double[] { 0.5, 0, 0, 0, 1, 0, 0, 0 }).view(2, 4);
        Assert.Equal([1.0, 0.0], TeacherBoundedRegression.Bounded(student, teacher, targets, 0.5).data<double>().ToArray());
        var loss = TeacherBoundedRegression.Loss(student, teacher, targets, nu: 0.5, margin: 0.5, normaliser: 2).item<double>();
        Assert.Equal((0.5 + 0.005 + 0.5 * 1.0) / 2, loss, 12);
    }

    [Fact]
    public void BoundIsZeroWhereTheStudentBeatsTheTeacherByTheMargin()
    {
        var targets = randn(6, 4, dtype: float64);
        var student = targets + 0.01 * randn(6, 4, dtype: float64);
        var teacher = targets + 1.0;
        Assert.Equal(0.0, TeacherBoundedRegression.Bounded(student, teacher, targets, margin: 1.0).sum().item<double>());
        // Gradient is then that of smooth-L1 alone: (s - y) inside the quadratic zone.
        var grad = FiniteDifference.Autograd(s => TeacherBoundedRegression.Loss(s, teacher, targets, 0.5, 1.0), student);
        var expected = (student - targets).data<double>().ToArray();
        for (int i = 0; i < grad.Length; i++) Assert.Equal(expected[i], grad[i], 10);
    }

    [Fact]
    public void TeacherBoundedRegressionGradientMatchesFiniteDifferences()
    {
        var targets = randn(5, 4, dtype: float64);
        var teacher = targets + 0.3 * randn(5, 4, dtype: float64);
        // Half the students are far worse than the teacher (bound active), half far better (inactive); none near the switch.
        var student = targets + cat([2.0 * ones(3, 4, dtype: float64), 0.01 * ones(2, 4, dtype: float64)]) * sign(randn(5, 4, dtype: float64));
        FiniteDifference.AssertMatches(s => TeacherBoundedRegression.Loss(s, teacher, targets, 0.5, 0.0, 1.0, 3.0), student);
    }

    [Fact]
    public void HintPadsAndAveragesSquaredDifferences()
    {
        // Adapted map 1 x 2 padded to 2 x 2: (1, 2; 0, 0) vs (1, 1; 1, 1): squares 0, 1, 1, 1 -> mean 0.75.
        var adapted = tensor(new double[] { 1, 2 }).view(1, 1, 1, 2);
        var hint = ones(1, 1, 2, 2, dtype: float64);
        Assert.Equal(0.75, Hint.Loss(adapted, hint).item<double>(), 12);
        FiniteDifference.AssertMatches(a => Hint.Loss(a, hint), randn(1, 1, 1, 2, dtype: float64));
    }

    [Fact]
    public void HintAdaptationMapsStudentChannelsToTeacherChannels()
    {
        var hint = Hint.ForConv(4, 6);
        var student = new Distill.Models.Taps(zeros(1), [], new Dictionary<string, Tensor> { ["backbone"] = randn(2, 4, 3, 3) });
        var teacher = new Distill.Models.Taps(zeros(1), [], new Dictionary<string, Tensor> { ["backbone"] = randn(2, 6, 3, 3) });
        var loss = hint.Compute(student, [teacher], zeros(0));
        loss.backward();
        var conv = (TorchSharp.Modules.Conv2d)hint.Adaptation;
        Assert.Equal(new long[] { 6, 4, 1, 1 }, conv.weight!.shape);
        Assert.True(conv.weight!.grad!.abs().sum().item<float>() > 0);
    }
}
