using Distill.Losses;
using Distill.Runtime;
using Distill.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Tests.Training;

[Collection("Training")]
public class TrainerResumeTests
{
    public TrainerResumeTests() => Fixtures.Initialize(21);

    sealed class SimulatedKill : Exception;

    static TrainerOptions Options(string? folder, OptimizerSpec optimizer, IProgress<TrainingProgress>? progress = null) => new()
    {
        Epochs = 3,
        Optimizer = optimizer,
        Schedule = ScheduleSpec.Cosine(warmupEpochs: 0.5),
        Seed = 9,
        Folder = folder,
        CheckEvery = 3,
        Progress = progress,
    };

    /// <summary>A KD distiller with a teacher, so resume covers teachers, two terms and BatchNorm buffers.</summary>
    static (Distiller Distiller, TinyNet Student) Build(Dictionary<string, Tensor>? studentInit, Dictionary<string, Tensor> teacherInit)
    {
        var student = new TinyNet(Fixtures.Spec);
        if (studentInit is not null) student.load_state_dict(studentInit);
        var teacher = new TinyNet(Fixtures.Spec with { Width = 2 });
        teacher.load_state_dict(teacherInit);
        return (new Distiller(student, [teacher], [(new CrossEntropy(), 0.3), (new HintonKd(4), 0.7)]), student);
    }

    [Theory]
    [InlineData("sgd")]
    [InlineData("adam")]
    public void ThreeEpochsEqualTwoEpochsKillResumeAndOneMore(string optimizer)
    {
        var spec = optimizer == "sgd" ? OptimizerSpec.Sgd(0.05, nesterov: true) : OptimizerSpec.Adam(0.01, weightDecay: 1e-4);
        var init = new TinyNet(Fixtures.Spec).state_dict();
        var teacherInit = new TinyNet(Fixtures.Spec with { Width = 2 }).state_dict();
        var train = new SyntheticSource(96, 16, 4);
        var test = new SyntheticSource(64, 32, 5);

        // Uninterrupted: 3 epochs.
        var straightFolder = Fixtures.TempFolder();
        var (straight, straightStudent) = Build(init, teacherInit);
        var expected = Trainer.Of(straight, train, test, Options(straightFolder, spec)).Fit();

        // Interrupted in the middle of the third epoch (after 2 checkpoints), then a fresh process-like start.
        var folder = Fixtures.TempFolder();
        var (first, _) = Build(init, teacherInit);
        var killer = new ProgressHook<TrainingProgress>(p => { if (p.Epoch == 2 && p.Step == 3) throw new SimulatedKill(); });
        Assert.Throws<SimulatedKill>(() => Trainer.Of(first, train, test, Options(folder, spec, killer)).Fit());
        Assert.Equal(2, MetricsLog.Read(Path.Combine(folder, "metrics.jsonl")).Count);

        var (resumed, resumedStudent) = Build(studentInit: null, teacherInit);   // fresh random student: the checkpoint must win
        var result = Trainer.Of(resumed, train, test, Options(folder, spec)).Fit();

        Assert.Equal(2, result.ResumedEpochs);
        Assert.Equal(3, result.History.Count);
        Fixtures.AssertSameWeights(Fixtures.Weights(straightStudent), Fixtures.Weights(resumedStudent));
        for (int e = 0; e < 3; e++) Assert.True(expected.History[e].SameResultAs(result.History[e]), $"epoch {e} metrics differ");
        var lines = MetricsLog.Read(Path.Combine(folder, "metrics.jsonl"));
        Assert.Equal([0, 1, 2], lines.Select(m => m.Epoch));
        Assert.True(lines[2].SameResultAs(expected.History[2]));
        Assert.Equal(["ce", "kd", "total"], lines[0].Losses.Keys.Order());
        Assert.Equal(["epoch-0002.ckpt", "epoch-0003.ckpt"], Directory.GetFiles(Path.Combine(folder, "checkpoints")).Select(Path.GetFileName).Order());
    }

    [Theory]
    [InlineData("sgd")]
    [InlineData("adam")]
    public void OptimiserStateRoundTripsThroughACheckpoint(string kind)
    {
        var spec = kind == "sgd" ? OptimizerSpec.Sgd(0.1, nesterov: true) : OptimizerSpec.Adam(0.01);
        var teacherInit = new TinyNet(Fixtures.Spec with { Width = 2 }).state_dict();
        var (a, _) = Build(null, teacherInit);
        var optimizer = spec.Create(a.parameters());
        var source = new SyntheticSource(64, 16, 8);
        var batches = source.Epoch(0).ToList();
        foreach (var batch in batches.Take(3)) Step(a, optimizer, batch.Images, batch.Labels);

        var path = Path.Combine(Fixtures.TempFolder(), "state.ckpt");
        Checkpoint.Write(path, new CheckpointHeader(0, 1, kind, []), a, optimizer);
        var (b, _) = Build(null, teacherInit);
        var restored = spec.Create(b.parameters());
        Checkpoint.Restore(path, b, restored);

        Assert.Equal(Serialised(optimizer), Serialised(restored));
        Assert.NotEqual(Serialised(spec.Create(b.parameters())), Serialised(restored));   // there is state to restore
        // The restored momentum/moments must act: one more identical step keeps both copies bit-identical.
        Step(a, optimizer, batches[3].Images, batches[3].Labels);
        Step(b, restored, batches[3].Images, batches[3].Labels);
        Fixtures.AssertSameWeights(Fixtures.Weights(a), Fixtures.Weights(b));
        // ...and a fresh optimiser (no state) would not.
        var (c, _) = Build(null, teacherInit);
        Checkpoint.Restore(path, c, optimizer: null);
        Step(c, spec.Create(c.parameters()), batches[3].Images, batches[3].Labels);
        Assert.Contains(Fixtures.Weights(c), kv => !kv.Value.SequenceEqual(Fixtures.Weights(a)[kv.Key]));
    }

    static void Step(Distiller d, TorchSharp.Modules.OptimizerHelper optimizer, Tensor images, Tensor labels)
    {
        d.train();
        optimizer.zero_grad();
        d.Step(images, labels).Loss.backward();
        optimizer.step();
    }

    static byte[] Serialised(TorchSharp.Modules.OptimizerHelper optimizer)
    {
        using var memory = new MemoryStream();
        using (var writer = new BinaryWriter(memory, System.Text.Encoding.UTF8, leaveOpen: true)) optimizer.save_state_dict(writer);
        return memory.ToArray();
    }
}
