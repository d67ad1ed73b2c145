using Distill.Losses;
using Distill.Models;
using Distill.Runtime;
using Distill.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Experiments;

/// <summary>
/// Runs classifier and video experiments (<see cref="Experiment"/>) as every <see cref="Runner{TConfig,TRun}"/> does.
/// Teachers (and a two-stage start) are loaded from finished experiments' final checkpoints.
/// </summary>
public sealed class ExperimentRunner(ResultStore store, DataSetResolver data) : Runner<Experiment, ExperimentResult>(store)
{
    /// <summary>
    /// Store each frozen teacher's logits per batch under the store's <see cref="TeacherLogitCache.StoreFolder"/> and
    /// read them back in later students of the same seed (CPU batches, soft-target terms only; exact). Default on.
    /// </summary>
    public bool CacheTeacherLogits { get; init; } = true;

    protected override ExperimentResult Train(Experiment e, string folder)
    {
        using var student = ModelZoo.Create(e.Student);
        if (e.StartFrom is not null)
        {
            using var start = LoadStudent(Store.FindTeacher(new TeacherSpec(e.StartFrom), e.Seed));
            student.load_state_dict(start.state_dict());
        }
        var teacherRuns = e.Teachers.Select(t => Store.FindTeacher(t, e.Seed)).ToList();
        var teachers = teacherRuns.Select(LoadStudent).ToList();
        DataSplits? splits = null;
        try
        {
            splits = data(new DataRequest(e.DataSet, e.Profile, e.BatchSize, e.Seed, e.TrainImages, e.TestImages));
            if (splits.Train.NumClasses != e.Student.NumClasses)
                throw new InvalidDataException(
                    $"{e.Name}: data set '{e.DataSet}' has {splits.Train.NumClasses} classes, the student {e.Student.NumClasses}.");
            var context = new LossContext(e.Student, teacherRuns.Select(t => t.Config.Student).ToList(), e.Seed);
            using var distiller = new Distiller(student, teachers, Terms(e, context), CacheTeacherLogits ? LogitCaches(teacherRuns) : null);
            var result = Trainer.Of(distiller, splits.Train, splits.Test, Options(e, folder)).Fit();
            if (distiller.TeacherLogits is { } caches)
            {
                Log?.WriteLine($"{e.Name}: teacher logits of {caches.Sum(c => c.Hits)} batches read from {TeacherLogitCache.StoreFolder}, {caches.Sum(c => c.Misses)} computed");
                foreach (var c in caches.Where(c => c.WriteError is not null)) Log?.WriteLine($"{e.Name}: teacher logits no longer stored: {c.WriteError}");
            }
            var summary = Summarise(e, result, student);
            ResultStore.Finish(folder, summary);
            return new ExperimentResult(e, summary, folder, Reused: false);
        }
        finally
        {
            foreach (var t in teachers) t.Dispose();
            (splits?.Train as IDisposable)?.Dispose();
            (splits?.Test as IDisposable)?.Dispose();
        }
    }

    /// <summary>A logit cache per teacher run, in the folder of its final checkpoint's weights.</summary>
    IReadOnlyList<TeacherLogitCache> LogitCaches(IReadOnlyList<ExperimentResult> teacherRuns) =>
        teacherRuns.Select(t => new TeacherLogitCache(TeacherLogitCache.FolderFor(Store.Root, Path.GetFileName(t.Folder),
            new CheckpointStore(Path.Combine(t.Folder, ResultStore.CheckpointsFolder)).PathOf(t.Config.Epochs)))).ToList();

    /// <summary>Runs (or reuses) the config once per seed.</summary>
    public IReadOnlyList<ExperimentResult> RunSeeds(Experiment e, IEnumerable<int> seeds) =>
        seeds.Select(s => Run(e.WithSeed(s))).ToList();

    /// <summary>The experiment's loss terms with their weights, built from the config and its <see cref="LossContext"/>.</summary>
    public static IReadOnlyList<(LossTerm Term, double Weight)> Terms(Experiment e, LossContext context) =>
        e.Losses.Select(l => (LossRegistry.Create(l, context), l.Weight)).ToList();

    /// <summary>
    /// The student of a finished experiment with its final weights (from its newest good checkpoint). The loss terms
    /// are rebuilt from the config only to give the checkpoint its shape (their adaptation layers are dropped); their
    /// teachers' specs are looked up in the result store holding <paramref name="finished"/>, only if a term asks.
    /// </summary>
    public static DistillModel LoadStudent(ExperimentResult finished)
    {
        var config = finished.Config;
        var model = ModelZoo.Create(config.Student);
        var results = new ResultStore(Path.GetDirectoryName(Path.GetFullPath(finished.Folder))!);
        var context = new LossContext(config.Student,
            () => config.Teachers.Select(t => results.FindTeacher(t, config.Seed).Config.Student).ToList(), config.Seed);
        // The checkpoint holds the distiller's state (student + loss-term parameters and buffers): restore through the same shape.
        var holder = new Distiller(model, [], Terms(config, context));
        var store = new CheckpointStore(Path.Combine(finished.Folder, ResultStore.CheckpointsFolder));
        if (store.RestoreLatest(holder, optimizer: null) is not { } restored)
            throw new InvalidOperationException($"{finished.Folder} has no usable checkpoint to load '{config.Name}' from.");
        if (restored.Header.Epoch + 1 != config.Epochs)
            throw new InvalidOperationException(
                $"{restored.Path} holds epoch {restored.Header.Epoch + 1} of {config.Epochs}; '{config.Name}' is not finished.");
        model.to(TorchRuntime.Current.Device);
        return model;
    }

    static ExperimentSummary Summarise(Experiment e, TrainingResult<EpochMetrics> result, DistillModel student)
    {
        var final = result.Final;
        return new ExperimentSummary(e.Name, e.Hash, e.Seed, e.DataSet, e.Profile, e.Student.Name,
            e.Teachers.Select(t => t.Experiment).ToList(), e.Losses.Select(l => l.ToString()).ToList(), e.Epochs,
            final.TestTop1, final.TestTop5, result.History.Max(m => m.TestTop1), final.TestLoss,
            result.History.Sum(m => m.Seconds), student.parameters().Sum(p => p.numel()), DateTimeOffset.UtcNow,
            TorchRuntime.Current.Arithmetic);
    }
}
