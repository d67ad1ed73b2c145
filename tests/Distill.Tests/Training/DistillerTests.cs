using Distill.Losses;
using Distill.Runtime;
using Distill.Training;
using static TorchSharp.torch;

namespace Distill.Tests.Training;

[Collection("Training")]
public class DistillerTests
{
    public DistillerTests() => Fixtures.Initialize(5);

    [Fact]
    public void FrozenTeachersGetNoGradientStayInEvalModeAndDoNotChange()
    {
        var teacher = new TinyNet(Fixtures.Spec with { Width = 2 });
        teacher.train();                                  // the distiller must put it (and keep it) in eval mode
        var before = Fixtures.Weights(teacher);           // includes BatchNorm running statistics
        var student = new TinyNet(Fixtures.Spec);
        using var distiller = new Distiller(student, [teacher], [(new CrossEntropy(), 0.5), (new HintonKd(4), 0.5)]);
        Assert.False(teacher.training);
        Assert.DoesNotContain(distiller.parameters(), p => teacher.parameters().Any(t => t.Handle == p.Handle));

        var trainer = Trainer.Of(distiller, new SyntheticSource(64, 16, 1), new SyntheticSource(32, 32, 2),
            new TrainerOptions { Epochs = 1, Optimizer = OptimizerSpec.Sgd(0.1), Schedule = ScheduleSpec.Constant(), CheckEvery = 2 });
        var studentBefore = Fixtures.Weights(student);
        trainer.Fit();

        Assert.False(teacher.training);
        Assert.All(teacher.parameters(), p => Assert.True(p.grad is null && !p.requires_grad));
        Fixtures.AssertSameWeights(before, Fixtures.Weights(teacher));
        Assert.Contains(Fixtures.Weights(student), kv => !kv.Value.SequenceEqual(studentBefore[kv.Key]));
    }

    [Fact]
    public void TermParametersTrainAndCheckpointWithTheStudent()
    {
        var term = new ScaledCe();
        using var distiller = new Distiller(new TinyNet(Fixtures.Spec), [], [(term, 1.0)]);
        Assert.Contains("terms.0.scale", distiller.state_dict().Keys);
        Assert.Contains(distiller.parameters(), p => p.Handle == term.Scale.Handle);
        var trainer = Trainer.Of(distiller, new SyntheticSource(64, 16, 1), new SyntheticSource(32, 32, 2),
            new TrainerOptions { Epochs = 1, Optimizer = OptimizerSpec.Adam(0.05), Schedule = ScheduleSpec.Constant() });
        trainer.Fit();
        Assert.NotEqual(1.0f, term.Scale.item<float>());
    }

    [Fact]
    public void RejectsDuplicateTermKeysAndAnEmptyLossList()
    {
        Assert.Throws<ArgumentException>(() => new Distiller(new TinyNet(Fixtures.Spec), [], []));
        var e = Assert.Throws<ArgumentException>(() =>
            new Distiller(new TinyNet(Fixtures.Spec), [], [(new CrossEntropy(), 1.0), (new CrossEntropy(0.1), 1.0)]));
        Assert.Contains("'ce' appears twice", e.Message);
    }

    /// <summary>A term with its own parameter: cross-entropy of logits times a learnable scale.</summary>
    sealed class ScaledCe : LossTerm
    {
        readonly TorchSharp.Modules.Parameter scale = new(ones(1));

        public ScaledCe() : base("scaled_ce") => RegisterComponents();

        public TorchSharp.Modules.Parameter Scale => scale;

        public override Tensor Compute(Distill.Models.Taps student, IReadOnlyList<Distill.Models.Taps> teachers, Tensor labels) =>
            nn.functional.cross_entropy(student.Logits * scale, labels);
    }
}
