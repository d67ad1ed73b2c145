using Distill.Losses;
using Distill.Models;
using Distill.Runtime;
using Distill.Training;
using static TorchSharp.torch;

namespace Distill.Tests.Training;

[Collection("Training")]
public class CheckpointFailureTests
{
    public CheckpointFailureTests() => Fixtures.Initialize(31);

    static TrainerOptions Options(string folder, int epochs, TextWriter? log = null) => new()
    {
        Epochs = epochs, Optimizer = OptimizerSpec.Sgd(0.05), Schedule = ScheduleSpec.Step(1, 0.5), Seed = 2,
        Folder = folder, CheckEvery = 4, Log = log ?? TextWriter.Null,
    };

    static readonly SyntheticSource Train = new(64, 16, 6), Test = new(32, 32, 7);

    [Theory]
    [InlineData("truncate")]
    [InlineData("flip")]
    public void DamagedNewestCheckpointIsReportedAndThePreviousOneIsUsed(string damage)
    {
        var init = new TinyNet(Fixtures.Spec).state_dict();
        var reference = new TinyNet(Fixtures.Spec);
        reference.load_state_dict(init);
        using var referenceDistiller = new Distiller(reference, [], [(new CrossEntropy(), 1.0)]);
        Trainer.Of(referenceDistiller, Train, Test, Options(Fixtures.TempFolder(), 2)).Fit();

        var folder = Fixtures.TempFolder();
        var model = new TinyNet(Fixtures.Spec);
        model.load_state_dict(init);
        Trainer.Of(new Distiller(model, [], [(new CrossEntropy(), 1.0)]), Train, Test, Options(folder, 2)).Fit();
        var newest = Path.Combine(folder, "checkpoints", "epoch-0002.ckpt");
        var bytes = File.ReadAllBytes(newest);
        if (damage == "truncate") File.WriteAllBytes(newest, bytes[..(bytes.Length / 2)]);
        else { bytes[bytes.Length / 2] ^= 0x40; File.WriteAllBytes(newest, bytes); }

        var e = Assert.Throws<CorruptCheckpointException>(() => Checkpoint.ReadHeader(newest));
        Assert.Contains(newest, e.Message);
        Assert.Contains("truncated or damaged", e.Message);

        var partial = Path.Combine(folder, "checkpoints", "epoch-0003.ckpt.4242.tmp");   // a write cut short by a kill
        File.WriteAllBytes(partial, bytes[..100]);

        var log = new StringWriter();
        var resumedModel = new TinyNet(Fixtures.Spec);
        var result = Trainer.Of(new Distiller(resumedModel, [], [(new CrossEntropy(), 1.0)]), Train, Test, Options(folder, 2, log)).Fit();
        Assert.Contains("epoch-0002.ckpt is truncated or damaged", log.ToString());
        Assert.Contains("Falling back to the previous checkpoint", log.ToString());
        Assert.Equal(1, result.ResumedEpochs);                     // epoch 2 was redone from epoch-0001.ckpt
        Assert.True(File.Exists(newest + ".corrupt"));
        Assert.False(File.Exists(partial));
        Assert.Contains("a checkpoint write that did not finish", log.ToString());
        Assert.Equal(1, Checkpoint.ReadHeader(newest).Epoch);      // and written again, whole
        Fixtures.AssertSameWeights(Fixtures.Weights(reference), Fixtures.Weights(resumedModel));
    }

    [Fact]
    public void NotACheckpointIsAClearError()
    {
        var path = Path.Combine(Fixtures.TempFolder(), "epoch-0001.ckpt");
        File.WriteAllText(path, "{ \"epoch\": 1 }");
        var e = Assert.Throws<CorruptCheckpointException>(() => Checkpoint.ReadHeader(path));
        Assert.Contains("not a distill checkpoint or is truncated", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void NonFiniteLossStopsNamingEpochAndStepAndKeepsTheLastGoodCheckpoint()
    {
        var folder = Fixtures.TempFolder();
        var poison = new PoisonAt(epochStep: (1, 2), stepsPerEpoch: 4);
        var distiller = new Distiller(new TinyNet(Fixtures.Spec), [], [(new CrossEntropy(), 1.0), (poison, 1.0)]);
        var trainer = Trainer.Of(distiller, Train, Test, Options(folder, 3));
        var e = Assert.Throws<NonFiniteLossException>(() => trainer.Fit());
        Assert.Equal(1, e.Epoch);
        Assert.Equal(2, e.Step);
        Assert.Contains("epoch 1, step 2", e.Message);
        Assert.Contains("poison=NaN", e.Message);
        Assert.Contains("epoch-0001.ckpt", e.Message);
        Assert.Equal(0, Checkpoint.ReadHeader(Path.Combine(folder, "checkpoints", "epoch-0001.ckpt")).Epoch);
        Assert.False(File.Exists(Path.Combine(folder, "checkpoints", "epoch-0002.ckpt")));
        Assert.Single(MetricsLog.Read(Path.Combine(folder, "metrics.jsonl")));
    }

    [Fact]
    public void ChannelsLastKeepsShapeAndValuesWithNhwcStrides()
    {
        var x = arange(2 * 3 * 4 * 5, float32).reshape(2, 3, 4, 5);
        var y = DeviceTuning.ToChannelsLast(x);
        Assert.Equal(x.shape, y.shape);
        Assert.Equal([60L, 1, 15, 3], y.stride());   // N, C, H, W strides of an N, H, W, C buffer
        Assert.True(x.eq(y).all().item<bool>());
        Assert.Equal(new DeviceTuning(false, false), DeviceTuning.For(CPU));
    }

    /// <summary>A zero-valued term that turns NaN at one (epoch, step), counting its calls.</summary>
    sealed class PoisonAt((int Epoch, int Step) epochStep, int stepsPerEpoch) : LossTerm("poison")
    {
        int calls;

        public override Tensor Compute(Taps student, IReadOnlyList<Taps> teachers, Tensor labels)
        {
            bool bad = calls++ == epochStep.Epoch * stepsPerEpoch + epochStep.Step;
            return student.Logits.sum() * 0 + (bad ? double.NaN : 0.0);
        }
    }
}
