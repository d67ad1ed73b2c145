using Distill.Losses;
using Distill.Models;
using Distill.Runtime;
using Distill.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Tests.Training;

[Collection("Training")]
public class HintonKdTests
{
    public HintonKdTests() => Fixtures.Initialize(11);

    static Taps Logits(params double[] z) => new(tensor(z, float64).reshape(1, z.Length), []);

    static Tensor NoLabels => zeros(1, int64);

    // Student logits (1, 2, 0), teacher logits (2, 0, 1). At T = 1 the teacher's log-probabilities exceed the student's
    // by exactly (+1, -2, +1), so KL = p_t . (1, -2, 1) with p_t = (e^2, 1, e) / (e^2 + 1 + e) = (0.66524, 0.09003, 0.24473):
    // 0.66524 - 0.18006 + 0.24473 = 0.72991.
    [Theory]
    [InlineData(1.0, 0.7299082804888586)]
    [InlineData(2.0, 0.8820576606449145)]   // KL at T = 2 is 0.22051441516; times T^2 = 4
    [InlineData(4.0, 0.9486974489144158)]   // KL at T = 4 is 0.05929359056; times T^2 = 16
    public void MatchesHandComputedKlTimesTSquared(double temperature, double expected)
    {
        var kd = new HintonKd(temperature);
        var loss = kd.Compute(Logits(1, 2, 0), [Logits(2, 0, 1)], NoLabels).item<double>();
        Assert.Equal(expected, loss, 12);
    }

    [Fact]
    public void IsZeroWhenStudentMatchesTeacherAndStableForHugeLogits()
    {
        var kd = new HintonKd(3);
        Assert.Equal(0.0, kd.Compute(Logits(5, -1, 2), [Logits(5, -1, 2)], NoLabels).item<double>(), 14);
        // softmax of 1e4 overflows exp(); log-softmax on both sides does not.
        var huge = kd.Compute(Logits(1e4, 0, 0), [Logits(0, 1e4, 0)], NoLabels).item<double>();
        Assert.True(double.IsFinite(huge));
        // Teacher puts all mass on class 1 where the student's log-prob is -1e4/3 (relative): KL = 1e4/3 * T^2 = 3e4.
        Assert.Equal(3e4, huge, 6);
    }

    [Fact]
    public void GradientMatchesFiniteDifferencesAndTheClosedForm()
    {
        const double t = 2.5, h = 1e-6;
        var kd = new HintonKd(t);
        double[] zs = [0.3, -1.2, 2.0, 0.7], zt = [1.5, 0.1, -0.4, 0.9];
        var student = tensor(zs, float64).reshape(1, 4).requires_grad_();
        kd.Compute(new Taps(student, []), [Logits(zt)], NoLabels).backward();
        var grad = student.grad!.data<double>().ToArray();

        double Loss(double[] z) => kd.Compute(Logits(z), [Logits(zt)], NoLabels).item<double>();
        var ps = Softmax(zs.Select(z => z / t).ToArray());
        var pt = Softmax(zt.Select(z => z / t).ToArray());
        for (int i = 0; i < 4; i++)
        {
            var up = (double[])zs.Clone(); up[i] += h;
            var down = (double[])zs.Clone(); down[i] -= h;
            Assert.Equal((Loss(up) - Loss(down)) / (2 * h), grad[i], 7);
            // Hinton et al.: dC/dz_i = (q_i - p_i) / T for the KL; the T^2 factor makes it T (q_i - p_i).
            Assert.Equal(t * (ps[i] - pt[i]), grad[i], 12);
        }
    }

    [Fact]
    public void TSquaredScalingKeepsGradientsAtTheHighTemperatureLimit()
    {
        // For large T, T (q_i - p_i) -> (z_i - v_i) / C for zero-mean logits (Hinton et al. 2015, section 2.1):
        // the gradient does not shrink with T, which is the point of the T^2 factor.
        double[] zs = [1, -1, 0.5, -0.5], zt = [-1, 2, 0, -1];
        var expected = zs.Zip(zt, (z, v) => (z - v) / 4).ToArray();
        foreach (var t in new[] { 200.0, 1000.0 })
        {
            var student = tensor(zs, float64).reshape(1, 4).requires_grad_();
            new HintonKd(t).Compute(new Taps(student, []), [Logits(zt)], NoLabels).backward();
            var grad = student.grad!.data<double>().ToArray();
            // The limit is approached with an O(1/T) remainder.
            for (int i = 0; i < 4; i++) Assert.Equal(expected[i], grad[i], tolerance: 0.5 / t);
        }
    }

    [Fact]
    public void SeveralTeachersGiveTheirAveragedSoftTargets()
    {
        const double t = 2;
        double[] zs = [0.5, -0.5, 1.0], za = [2, 0, -1], zb = [-1, 1, 3];
        var pa = Softmax(za.Select(z => z / t).ToArray());
        var pb = Softmax(zb.Select(z => z / t).ToArray());
        var q = Softmax(zs.Select(z => z / t).ToArray());
        var expected = t * t * Enumerable.Range(0, 3).Sum(i =>
        {
            double p = (pa[i] + pb[i]) / 2;
            return p * Math.Log(p / q[i]);
        });
        Assert.Equal(expected, new HintonKd(t).Compute(Logits(zs), [Logits(za), Logits(zb)], NoLabels).item<double>(), 12);
        Assert.Throws<ArgumentException>(() => new HintonKd(t).Compute(Logits(zs), [], NoLabels));
    }

    [Fact]
    public void CrossEntropyPlusKdIsTheWeightedSum()
    {
        // CE of logits (1, 2, 0) with label 1: -log(e^2 / (e + e^2 + 1)) = 0.40760596444.
        var student = new Taps(tensor(new[] { 1.0, 2.0, 0.0 }, float64).reshape(1, 3), []);
        var labels = tensor(new long[] { 1 });
        var ce = new CrossEntropy().Compute(student, [], labels).item<double>();
        Assert.Equal(0.4076059644443804, ce, 12);

        using var distiller = new Distiller(new FixedLogits([1, 2, 0]), [new FixedLogits([2, 0, 1])],
            [(new CrossEntropy(), 0.1), (new HintonKd(2), 0.9)]);
        var step = distiller.Step(zeros(1, 1), labels);
        Assert.Equal(0.4076059644443804, step.Terms[0].ToDouble(), tolerance: 1e-6);   // float32 model
        Assert.Equal(0.8820576606449145, step.Terms[1].ToDouble(), tolerance: 1e-6);   // float32 model
        Assert.Equal(0.1 * 0.4076059644443804 + 0.9 * 0.8820576606449145, step.Loss.ToDouble(), tolerance: 1e-6);   // float32 model
        Assert.Equal(["ce", "kd"], distiller.TermKeys);
    }

    [Fact]
    public void RegistryBuildsTermsFromDataAndRejectsUnknownParameters()
    {
        var kd = Assert.IsType<HintonKd>(LossRegistry.Create(LossSpec.Of("kd", 0.9, new HintonKd.Parameters { Temperature = 8 })));
        Assert.Equal(8, kd.Temperature);
        var e = Assert.Throws<ArgumentException>(() => LossRegistry.Create(new LossSpec("kd", 1, new() { ["temprature"] = 8 })));
        Assert.Contains("Loss term 'kd' has no parameter(s) temprature. Allowed: temperature, mixture, weights.", e.Message);
        Assert.Contains("fsp-typo", Assert.Throws<ArgumentException>(() => LossRegistry.Create(new LossSpec("fsp-typo"))).Message);
    }

    static double[] Softmax(double[] z)
    {
        var m = z.Max();
        var e = z.Select(x => Math.Exp(x - m)).ToArray();
        return e.Select(x => x / e.Sum()).ToArray();
    }

    /// <summary>A "model" whose logits are a learnable constant row, for exact loss arithmetic through the distiller.</summary>
    sealed class FixedLogits : DistillModel
    {
        readonly TorchSharp.Modules.Parameter logits;

        public FixedLogits(float[] z) : base("fixed")
        {
            logits = new TorchSharp.Modules.Parameter(tensor(z).reshape(1, z.Length));
            RegisterComponents();
        }

        public override IReadOnlyList<string> StageNames => [];
        public override int NumClasses => (int)logits.shape[1];
        public override Taps forward(Tensor x) => new(logits.expand(x.shape[0], -1), []);
    }
}
