using Distill.Losses;
using Distill.Models;
using Distill.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Tests.Losses;

public class OfflineEnsembleTests
{
    public OfflineEnsembleTests() => TorchRuntime.Initialize(seed: 15, quiet: true);

    static (Taps Student, Taps[] Teachers) Batch(int teachers, int seed)
    {
        manual_seed(seed);
        var student = LogitTaps.Of(randn(3, 5, dtype: ScalarType.Float64));
        var ts = Enumerable.Range(0, teachers).Select(_ => LogitTaps.Of(randn(3, 5, dtype: ScalarType.Float64) * 2)).ToArray();
        return (student, ts);
    }

    static double[][] WeightSequence(int seed, int steps)
    {
        var ensemble = HintonKd.OfflineEnsemble(3, seed: seed);
        var (student, teachers) = Batch(3, 1);
        return Enumerable.Range(0, steps).Select(_ =>
        {
            ensemble.Compute(student, teachers, LogitTaps.NoLabels);
            return ensemble.LastWeights.ToArray();
        }).ToArray();
    }

    [Fact]
    public void RandomWeightsAreNonNegativeSumToOneAndChangeEveryStep()
    {
        var sequence = WeightSequence(seed: 42, steps: 50);
        foreach (var w in sequence)
        {
            Assert.Equal(3, w.Length);
            Assert.All(w, x => Assert.True(x >= 0));
            Assert.Equal(1.0, w.Sum(), 12);
        }
        for (int s = 1; s < sequence.Length; s++)
            Assert.NotEqual(sequence[s - 1], sequence[s]);
    }

    [Fact]
    public void TheStepCounterIsCheckpointedSoARestoredTermContinuesTheWeightSequence()
    {
        var reference = WeightSequence(seed: 11, steps: 10);
        var (student, teachers) = Batch(3, 1);
        var first = HintonKd.OfflineEnsemble(3, seed: 11);
        for (int s = 0; s < 6; s++) first.Compute(student, teachers, LogitTaps.NoLabels);
        Assert.Equal(6, first.Steps);
        var saved = new MemoryStream();
        first.save(new BinaryWriter(saved));

        var resumed = HintonKd.OfflineEnsemble(3, seed: 11);
        Assert.Equal(0, resumed.Steps);
        saved.Position = 0;
        resumed.load(new BinaryReader(saved), strict: true);
        Assert.Equal(6, resumed.Steps);
        for (int s = 6; s < 10; s++)
        {
            resumed.Compute(student, teachers, LogitTaps.NoLabels);
            Assert.Equal(reference[s], resumed.LastWeights);
        }
        // A pure function of (seed, step): nothing but the counter carries state.
        Assert.Equal(reference[3], HintonKd.OfflineEnsemble(3, seed: 11).WeightsAt(3));
        Assert.NotEqual(reference[0], reference[6]);
    }

    [Fact]
    public void SameSeedSameSequenceOtherSeedOtherSequence()
    {
        Assert.Equal(WeightSequence(7, 20), WeightSequence(7, 20));
        Assert.NotEqual(WeightSequence(7, 20)[0], WeightSequence(8, 20)[0]);
    }

    [Fact]
    public void RandomWeightsFollowTheFlatDirichlet()
    {
        // Dirichlet(1,1,1): E[w_k] = 1/3, Var[w_k] = (K-1) / (K^2 (K+1)) = 2/36 = 0.0556.
        // 2000 draws: standard error of the mean 0.0053, of the variance about 0.0015.
        var ensemble = HintonKd.OfflineEnsemble(3, seed: 3);
        var draws = Enumerable.Range(0, 2000).Select(step => ensemble.WeightsAt(step)).ToArray();
        for (int k = 0; k < 3; k++)
        {
            var column = draws.Select(w => w[k]).ToArray();
            double mean = column.Average();
            double variance = column.Select(x => (x - mean) * (x - mean)).Average();
            Assert.InRange(mean, 1.0 / 3 - 0.025, 1.0 / 3 + 0.025);
            Assert.InRange(variance, 2.0 / 36 - 0.008, 2.0 / 36 + 0.008);
        }
    }

    [Fact]
    public void MeanModeIsTheKlToTheArithmeticMeanOfTeacherProbabilities()
    {
        const double T = 2;
        var (student, teachers) = Batch(3, 9);
        var ensemble = new HintonKd(T, TeacherMixture.Mean, key: HintonKd.Names.OfflineEnsemble);
        double loss = ensemble.Compute(student, teachers, LogitTaps.NoLabels).item<double>();
        Assert.Equal(new[] { 1.0 / 3, 1.0 / 3, 1.0 / 3 }, ensemble.LastWeights);

        // reference computed in probability space, element by element
        var probs = teachers.Select(t => softmax(t.Logits / T, 1).data<double>().ToArray()).ToArray();
        var p = softmax(student.Logits / T, 1).data<double>().ToArray();
        double expected = 0;
        for (int i = 0; i < p.Length; i++)
        {
            double q = (probs[0][i] + probs[1][i] + probs[2][i]) / 3;
            expected += q * Math.Log(q / p[i]);
        }
        expected *= T * T / 3;   // T^2, batchmean over N = 3
        Assert.Equal(expected, loss, 12);
    }

    [Fact]
    public void FixedWeightsWithOneTeacherSelectedEqualOfflineKl()
    {
        // zero weights take the log-space path through log 0 = -inf; the mixture must still be exactly teacher 2
        var (student, teachers) = Batch(3, 10);
        var ensemble = new HintonKd(4, TeacherMixture.Fixed, weights: [0, 1, 0]);
        double loss = ensemble.Compute(student, teachers, LogitTaps.NoLabels).item<double>();
        double single = HintonKd.OfflineKl(4).Compute(student, [teachers[1]], LogitTaps.NoLabels).item<double>();
        Assert.Equal(single, loss, 12);
    }

    [Fact]
    public void GradientsMatchFiniteDifferencesWithFixedWeights()
    {
        var (student, teachers) = Batch(3, 11);
        var logits = student.Logits.requires_grad_(true);
        var ensemble = new HintonKd(3, TeacherMixture.Fixed, weights: [0.2, 0.5, 0.3]);
        int n = GradientCheck.AssertMatchesFiniteDifferences(() => ensemble.Compute(LogitTaps.Of(logits), teachers, LogitTaps.NoLabels), [logits]);
        Assert.Equal(15, n);
        Assert.All(teachers, t => Assert.Null(t.Logits.grad));
    }

    [Fact]
    public void FixedWeightsAreNormalisedAndTheDirichletStepsBufferExistsOnlyForDirichlet()
    {
        var (student, teachers) = Batch(2, 13);
        var relative = new HintonKd(4, TeacherMixture.Fixed, weights: [0.4, 0.5]);
        Assert.Equal([0.4 / 0.9, 0.5 / 0.9], relative.Weights!);
        double loss = relative.Compute(student, teachers, LogitTaps.NoLabels).item<double>();
        Assert.Equal(new HintonKd(4, TeacherMixture.Fixed, weights: [4, 5]).Compute(student, teachers, LogitTaps.NoLabels).item<double>(), loss, 14);
        Assert.Equal(["steps"], HintonKd.OfflineEnsemble(2).named_buffers().Select(b => b.name));
        Assert.Empty(relative.named_buffers());
        Assert.Empty(new HintonKd(4).named_buffers());
    }

    [Fact]
    public void RejectsBadConfigurations()
    {
        Assert.Contains("at least one teacher", Assert.Throws<ArgumentOutOfRangeException>(() => HintonKd.OfflineEnsemble(0)).Message);
        Assert.Contains("per-teacher weights go with the fixed and sum mixtures",
            Assert.Throws<ArgumentException>(() => new HintonKd(4, TeacherMixture.Dirichlet, [0.5, 0.5], teacherCount: 2)).Message);
        Assert.Contains("the fixed mixture needs per-teacher weights",
            Assert.Throws<ArgumentException>(() => new HintonKd(4, TeacherMixture.Fixed)).Message);
        Assert.Contains("teacher weight #1 is -0.5",
            Assert.Throws<ArgumentException>(() => new HintonKd(4, TeacherMixture.Fixed, [1.5, -0.5])).Message);
        Assert.Contains("teacher weights are all 0",
            Assert.Throws<ArgumentException>(() => new HintonKd(4, TeacherMixture.Fixed, [0, 0])).Message);
        var (student, teachers) = Batch(3, 12);
        Assert.Contains("built for 2 teacher(s), given 3",
            Assert.Throws<ArgumentException>(() => HintonKd.OfflineEnsemble(2).Compute(student, teachers, LogitTaps.NoLabels)).Message);
        Assert.Contains("built for 2 teacher(s), given 3",
            Assert.Throws<ArgumentException>(() => new HintonKd(4, TeacherMixture.Fixed, [0.2, 0.8]).Compute(student, teachers, LogitTaps.NoLabels)).Message);
    }
}
