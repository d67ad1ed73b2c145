using Distill.Experiments;
using Distill.Losses;
using Distill.Models;
using Distill.Training;
using static TorchSharp.torch;

namespace Distill.Tests.Training;

[Collection("Training")]
public class TeacherLogitCacheTests
{
    public TeacherLogitCacheTests()
    {
        Fixtures.Initialize(29);
        Fixtures.Register();
    }

    [Fact]
    public void AStoredBatchIsAnsweredBitForBitAndAnyOtherBatchOrADamagedFileIsComputedAgain()
    {
        var cache = new TeacherLogitCache(Fixtures.TempFolder());
        using var images = randn(4, 1, 8, 8);
        using var logits = randn(4, 10);
        int forwards = 0;
        Tensor Forward() { forwards++; return logits.clone(); }

        using var first = cache.Logits(images, Forward);
        using var second = cache.Logits(images, Forward);
        Assert.Equal(1, forwards);
        Assert.Equal((1L, 1L), (cache.Hits, cache.Misses));
        Assert.Equal(logits.data<float>().ToArray(), second.data<float>().ToArray());
        Assert.Equal(logits.shape, second.shape);

        // The same values in another memory layout are the same batch; one changed pixel is another batch.
        using var transposed = images.transpose(2, 3).contiguous().transpose(2, 3);
        Assert.False(transposed.is_contiguous());
        using var fromView = cache.Logits(transposed, Forward);
        Assert.Equal(1, forwards);
        using var changed = images.clone();
        changed[0, 0, 0, 0] = changed[0, 0, 0, 0] + 1e-3f;
        using var other = cache.Logits(changed, Forward);
        Assert.Equal(2, forwards);
        using var wider = cache.Logits(images.reshape(4, 1, 4, 16), Forward);   // same bytes, other shape
        Assert.Equal(3, forwards);

        // A damaged file (cut short, e.g. by a full disk; a crash between write and rename leaves none) is recomputed and replaced.
        foreach (var file in Directory.GetFiles(cache.Folder, "*.bin", SearchOption.AllDirectories))
            File.WriteAllBytes(file, File.ReadAllBytes(file)[..20]);
        using var recomputed = cache.Logits(images, Forward);
        Assert.Equal(4, forwards);
        using var repaired = cache.Logits(images, Forward);
        Assert.Equal(4, forwards);
        Assert.Equal(logits.data<float>().ToArray(), repaired.data<float>().ToArray());
    }

    [Fact]
    public void AFolderThatCannotBeWrittenOnlyStopsTheStoringNotTheTraining()
    {
        var blocked = Path.Combine(Fixtures.TempFolder(), "a-file");
        File.WriteAllText(blocked, "not a folder");
        var cache = new TeacherLogitCache(Path.Combine(blocked, "teacher"));
        using var images = randn(2, 1, 8, 8);
        using var logits = randn(2, 4);
        int forwards = 0;
        for (int i = 0; i < 2; i++)
            using (var got = cache.Logits(images, () => { forwards++; return logits.clone(); }))
                Assert.Equal(logits.data<float>().ToArray(), got.data<float>().ToArray());
        Assert.Equal(2, forwards);
        Assert.False(cache.Writable);
        Assert.Contains(blocked, cache.WriteError);
    }

    [Fact]
    public void TheCacheFolderFollowsTheTeachersCheckpointBytes()
    {
        var root = Fixtures.TempFolder();
        var a = Path.Combine(root, "a.ckpt");
        var b = Path.Combine(root, "b.ckpt");
        File.WriteAllBytes(a, [.. Enumerable.Range(0, 64).Select(i => (byte)i)]);
        File.WriteAllBytes(b, [.. Enumerable.Range(0, 64).Select(i => (byte)(i == 40 ? 0 : i))]);   // another trailing SHA-256
        Assert.Equal(TeacherLogitCache.FolderFor(root, "teacher-1", a), TeacherLogitCache.FolderFor(root, "teacher-1", a));
        Assert.NotEqual(TeacherLogitCache.FolderFor(root, "teacher-1", a), TeacherLogitCache.FolderFor(root, "teacher-1", b));
        Assert.StartsWith(Path.Combine(root, TeacherLogitCache.StoreFolder, "teacher-1-"), TeacherLogitCache.FolderFor(root, "teacher-1", a));
    }

    [Fact]
    public void OnlyDistillersWhoseTermsReadTeacherLogitsAloneUseTheCache()
    {
        var cache = new TeacherLogitCache(Fixtures.TempFolder());
        var teacher = new TinyNet(Fixtures.Spec with { Width = 2 });
        using var soft = new Distiller(new TinyNet(Fixtures.Spec), [teacher], [(new CrossEntropy(), 0.1), (new HintonKd(4), 0.9)], [cache]);
        Assert.Same(cache, Assert.Single(soft.TeacherLogits!));
        using var features = new Distiller(new TinyNet(Fixtures.Spec), [teacher], [(new CrossEntropy(), 1.0), (new ReadsTeacherStages(), 1.0)], [cache]);
        Assert.Null(features.TeacherLogits);
        using var batch = randn(8, 1, 8, 8);
        using var labels = randint(0, 4, 8, dtype: int64);
        using var scope = NewDisposeScope();
        features.Step(batch, labels);            // the teacher ran: its stage taps were there
        Assert.Equal((0L, 0L), (cache.Hits, cache.Misses));
        Assert.Throws<ArgumentException>(() => new Distiller(new TinyNet(Fixtures.Spec), [teacher], [(new HintonKd(4), 1.0)], [cache, cache]));
    }

    [Fact]
    public void ALaterStudentOfTheSameSeedReadsEveryTeacherBatchAndTrainsExactlyAsWithoutTheCache()
    {
        var store = new ResultStore(Fixtures.TempFolder());
        var log = new StringWriter();
        var runner = new ExperimentRunner(store, DataSetCatalog.Resolve) { Log = log };
        runner.Run(Fixtures.Experiment("big", 1) with { Student = Fixtures.Spec with { Width = 2 } });
        Experiment Kd(string name) => Fixtures.Experiment(name, 2, new LossSpec("ce", 0.1),
            LossSpec.Of(HintonKd.Names.Kd, 0.9, new HintonKd.Parameters { Temperature = 4 })) with { Teachers = [new TeacherSpec("big")] };

        var first = runner.Run(Kd("kd"));
        var again = runner.Run(Kd("kd-again"));
        var uncached = new ExperimentRunner(store, DataSetCatalog.Resolve) { Log = TextWriter.Null, CacheTeacherLogits = false }.Run(Kd("kd-uncached"));

        int steps = first.History().Count * (256 / 32);   // smoke synthetic set: 256 images in batches of 32
        Assert.Contains($"kd: teacher logits of 0 batches read from {TeacherLogitCache.StoreFolder}, {steps} computed", log.ToString());
        Assert.Contains($"kd-again: teacher logits of {steps} batches read from {TeacherLogitCache.StoreFolder}, 0 computed", log.ToString());
        Assert.Equal(steps, Directory.GetFiles(Path.Combine(store.Root, TeacherLogitCache.StoreFolder), "*.bin", SearchOption.AllDirectories).Length);
        foreach (var run in new[] { again, uncached })
            for (int epoch = 0; epoch < first.History().Count; epoch++)
            {
                Assert.Equal(first.History()[epoch].Losses.OrderBy(l => l.Key), run.History()[epoch].Losses.OrderBy(l => l.Key));
                Assert.Equal(first.History()[epoch].TestTop1, run.History()[epoch].TestTop1);
                Assert.Equal(first.History()[epoch].TestLoss, run.History()[epoch].TestLoss);
            }
        Assert.DoesNotContain(store.Finished(), r => r.Folder.Contains(TeacherLogitCache.StoreFolder));
    }

    /// <summary>A term that reads the teacher's stage taps, which stored logits cannot stand in for.</summary>
    sealed class ReadsTeacherStages() : LossTerm("stages")
    {
        public override Tensor Compute(Taps student, IReadOnlyList<Taps> teachers, Tensor labels) =>
            student.Logits.mean() + teachers[0].Stages[^1].mean();
    }
}
