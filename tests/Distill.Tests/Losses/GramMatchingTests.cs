using Distill.Losses;
using Distill.Models;
using Distill.Runtime;
using TorchSharp;
using static TorchSharp.torch;
using static Distill.Tests.Losses.GramFixtures;

namespace Distill.Tests.Losses;

/// <summary>FSP and cross-layer Gram losses: hand-computed values, pair choice, reductions, errors.</summary>
public class GramMatchingTests
{
    public GramMatchingTests() => TorchRuntime.Initialize(seed: 12, quiet: true);

    static Taps StagesOnly(params Tensor[] stages) => new(zeros(stages[0].shape[0], 10, dtype: ScalarType.Float64), stages);

    static readonly Tensor NoLabels = zeros(1, dtype: ScalarType.Int64);

    static double Loss(LossTerm term, Taps student, Taps teacher) => term.Compute(student, [teacher], NoLabels).item<double>();

    [Fact]
    public void FspOfTwoStagesIsTheMeanSquaredGramDifference()
    {
        // student G = Gram(F1, F2) = [[1.25, 3.25], [0, 0.75]]
        // teacher stage 0 has channel b = [1,1,1,1] instead of [0,1,1,0]:
        //   G_T[b,c] = (1 + 0 + 0 + 1) / 4 = 0.5, G_T[b,d] = (2 + 2 + 1 + 1) / 4 = 1.5, row a unchanged
        // differences [0, 0, -0.5, -0.75] -> squares 0.25 + 0.5625 = 0.8125 -> mean over 4 entries = 0.203125
        var teacherFirst = Map(1, 2, 2, 2, 1, 2, 3, 4, /**/ 1, 1, 1, 1);
        var fsp = new Fsp([2, 2], [2, 2]);
        Assert.Equal(0.203125, Loss(fsp, StagesOnly(F1(), F2()), StagesOnly(teacherFirst, F2())), 12);
    }

    // Three stages: student (P, F1, F2), teacher (zeros [1,1,4,4], F1, F2).
    //   pair (0,1): G_S = Gram(pool(P), F1) with pool(P) = [2,1,6,4]:
    //               [p,a] = (2 + 2 + 18 + 16) / 4 = 9.5, [p,b] = (0 + 1 + 6 + 0) / 4 = 1.75; G_T = 0
    //               MSE = (90.25 + 3.0625) / 2 = 46.65625
    //   pair (0,2): G_S = Gram(pool(P), F2) = [1.5, 4]; G_T = 0; MSE = (2.25 + 16) / 2 = 9.125
    //   pair (1,2): student and teacher both Gram(F1, F2): 0
    static Taps ThreeStageStudent() => StagesOnly(P(), F1(), F2());
    static Taps ThreeStageTeacher() => StagesOnly(zeros(1, 1, 4, 4, dtype: ScalarType.Float64), F1(), F2());

    [Fact]
    public void FspUsesAdjacentPairsOnly()
    {
        var fsp = new Fsp([1, 2, 2], [1, 2, 2]);
        Assert.Equal([new LayerPair(0, 1), new LayerPair(1, 2)], fsp.Pairs);
        Assert.Equal(46.65625 + 0.0, Loss(fsp, ThreeStageStudent(), ThreeStageTeacher()), 12);
    }

    [Fact]
    public void WithTheStemTheStemOutputIsLayerZero()
    {
        // the three-stage example with P as the stem tap and (F1, F2) as the stages: the same layers, the same 46.65625 + 0
        static Taps StemAndStages(Tensor stem, params Tensor[] stages) =>
            new(zeros(1, 10, dtype: ScalarType.Float64), stages, new Dictionary<string, Tensor> { [StagedClassifier.StemTap] = stem });
        var fsp = new Fsp([1, 2, 2], [1, 2, 2], stem: true);
        Assert.Equal([new LayerPair(0, 1), new LayerPair(1, 2)], fsp.Pairs);
        var student = StemAndStages(P(), F1(), F2());
        var teacher = StemAndStages(zeros(1, 1, 4, 4, dtype: ScalarType.Float64), F1(), F2());
        Assert.Equal(46.65625 + 0.0, Loss(fsp, student, teacher), 12);
        Assert.Equal(46.65625 + 9.125 + 0.0, Loss(Fsp.CrossLayer([1, 2, 2], [1, 2, 2], stem: true), student, teacher), 12);
        Assert.Contains("No tap named 'stem'", Assert.Throws<KeyNotFoundException>(() => Loss(fsp, StagesOnly(F1(), F2()), teacher)).Message);
    }

    [Fact]
    public void CrossLayerUsesEveryPairAndSumsThem()
    {
        var cross = Fsp.CrossLayer([1, 2, 2], [1, 2, 2]);
        Assert.Equal([new LayerPair(0, 1), new LayerPair(0, 2), new LayerPair(1, 2)], cross.Pairs);
        Assert.Equal(46.65625 + 9.125 + 0.0, Loss(cross, ThreeStageStudent(), ThreeStageTeacher()), 12);
    }

    [Fact]
    public void MeanReductionDividesByThePairCount()
    {
        var cross = Fsp.CrossLayer([1, 2, 2], [1, 2, 2], reduction: PairReduction.Mean);
        Assert.Equal((46.65625 + 9.125) / 3, Loss(cross, ThreeStageStudent(), ThreeStageTeacher()), 12);
    }

    [Fact]
    public void ConfiguredPairsAreTheOnlyOnesMatched()
    {
        var cross = Fsp.CrossLayer([1, 2, 2], [1, 2, 2], pairs: [new LayerPair(0, 2)]);
        Assert.Equal(9.125, Loss(cross, ThreeStageStudent(), ThreeStageTeacher()), 12);
    }

    [Fact]
    public void MaxPoolingOptionChangesTheDifferentResolutionPairs()
    {
        // pool(P) = [3,2,7,4]: (0,1) [p,a] = (3 + 4 + 21 + 16) / 4 = 11, [p,b] = (0 + 2 + 7 + 0) / 4 = 2.25
        //   MSE = (121 + 5.0625) / 2 = 63.03125
        // (0,2) = [1.75, 5.25]: MSE = (3.0625 + 27.5625) / 2 = 15.3125
        var cross = Fsp.CrossLayer([1, 2, 2], [1, 2, 2], pooling: GramPooling.Max);
        Assert.Equal(63.03125 + 15.3125, Loss(cross, ThreeStageStudent(), ThreeStageTeacher()), 12);
    }

    [Fact]
    public void IdenticalFeaturesGiveZero()
    {
        var cross = Fsp.CrossLayer([1, 2, 2], [1, 2, 2]);
        Assert.Equal(0.0, Loss(cross, ThreeStageStudent(), ThreeStageStudent()));
    }

    [Fact]
    public void TeacherReceivesNoGradient()
    {
        var teacherStage = F1().requires_grad_(true);
        var studentStage = F2().requires_grad_(true);
        var fsp = new Fsp([2, 2], [2, 2]);
        fsp.Compute(StagesOnly(studentStage, F1()), [StagesOnly(teacherStage, F2())], NoLabels).backward();
        Assert.Null(teacherStage.grad);
        Assert.NotNull(studentStage.grad);
    }

    [Fact]
    public void GradientsMatchFiniteDifferencesForFspWithAdaptationAndPooling()
    {
        // student stages [2,3,4,4] [2,4,2,2] [2,5,2,2]; teacher [2,2,8,8] [2,4,4,4] [2,6,2,2]:
        // stages 0 and 2 go through 1x1 convs, every pair in the student and teacher pools its larger map
        manual_seed(5);
        var student = new[] { randn(2, 3, 4, 4), randn(2, 4, 2, 2), randn(2, 5, 2, 2) }
            .Select(t => t.to_type(ScalarType.Float64).requires_grad_(true)).ToArray();
        var teacher = StagesOnly(randn(2, 2, 8, 8).to_type(ScalarType.Float64), randn(2, 4, 4, 4).to_type(ScalarType.Float64),
            randn(2, 6, 2, 2).to_type(ScalarType.Float64));
        var fsp = new Fsp([3, 4, 5], [2, 4, 6]);
        fsp.to(ScalarType.Float64);
        var inputs = student.Concat(fsp.parameters()).ToArray();
        int n = GradientCheck.AssertMatchesFiniteDifferences(() => fsp.Compute(StagesOnly(student), [teacher], NoLabels), inputs);
        Assert.Equal(96 + 32 + 40 + 6 + 30, n);   // every student element and both 1x1 convs' weights
    }

    [Fact]
    public void GradientsMatchFiniteDifferencesForCrossLayerWithMaxPooling()
    {
        manual_seed(6);
        var student = new[] { randn(2, 2, 4, 4), randn(2, 3, 2, 2), randn(2, 2, 1, 1) }
            .Select(t => t.to_type(ScalarType.Float64).requires_grad_(true)).ToArray();
        var teacher = StagesOnly(randn(2, 2, 4, 4).to_type(ScalarType.Float64), randn(2, 3, 2, 2).to_type(ScalarType.Float64),
            randn(2, 2, 1, 1).to_type(ScalarType.Float64));
        var cross = Fsp.CrossLayer([2, 3, 2], [2, 3, 2], pooling: GramPooling.Max, reduction: PairReduction.Mean);
        Assert.Empty(cross.parameters());
        int n = GradientCheck.AssertMatchesFiniteDifferences(() => cross.Compute(StagesOnly(student), [teacher], NoLabels), student);
        Assert.Equal(64 + 24 + 4, n);
    }

    [Fact]
    public void BadTapsAndPairsGiveErrorsThatSayWhatIsWrong()
    {
        var fsp = new Fsp([2, 2], [2, 2]);
        var taps = StagesOnly(F1(), F2());
        Assert.Contains("exactly one teacher's taps, got 2",
            Assert.Throws<ArgumentException>(() => fsp.Compute(taps, [taps, taps], NoLabels)).Message);
        Assert.Contains("built for 2 stages; the student tapped 3",
            Assert.Throws<ArgumentException>(() => fsp.Compute(StagesOnly(F1(), F2(), F2()), [taps], NoLabels)).Message);
        Assert.Contains("teacher stage 1 is [1, 1, 4, 4]; built for [N, 2, h, w]",
            Assert.Throws<ArgumentException>(() => fsp.Compute(taps, [StagesOnly(F1(), P())], NoLabels)).Message);
        Assert.Contains("student stage 0 is [1, 1, 4, 4]; built for [N, 2, h, w]",
            Assert.Throws<ArgumentException>(() => fsp.Compute(StagesOnly(P(), F2()), [taps], NoLabels)).Message);
        Assert.Contains("pair (0,1) gives a student Gram matrix [1, 2, 2] but a teacher one [2, 2, 2]",
            Assert.Throws<ArgumentException>(() => fsp.Compute(taps, [StagesOnly(cat([F1(), F1()], 0), cat([F2(), F2()], 0))], NoLabels)).Message);
        Assert.Contains("layer pair #1 (2,1) is invalid",
            Assert.Throws<ArgumentException>(() => Fsp.CrossLayer([1, 2, 2], [1, 2, 2], pairs: [new(0, 1), new(2, 1)])).Message);
        Assert.Contains("layer pair #0 (0,3) is invalid",
            Assert.Throws<ArgumentException>(() => Fsp.CrossLayer([1, 2, 2], [1, 2, 2], pairs: [new(0, 3)])).Message);
        Assert.Contains("listed twice",
            Assert.Throws<ArgumentException>(() => Fsp.CrossLayer([1, 2, 2], [1, 2, 2], pairs: [new(0, 1), new(0, 1)])).Message);
        Assert.Contains("student has 2 stages, teacher 3",
            Assert.Throws<ArgumentException>(() => new Fsp([2, 2], [2, 2, 2])).Message);
    }
}
