using Distill.Losses;
using Distill.Models;
using Distill.Runtime;
using Distill.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Experiments;

/// <summary>
/// Runs experiments against a <see cref="ResultStore"/>: a finished one is returned from its summary without
/// training; an unfinished one resumes from its newest good checkpoint; <see cref="Force"/> starts afresh.
/// Teachers (and a two-stage start) are loaded from finished experiments' final checkpoints.
/// </summary>
public sealed class ExperimentRunner(ResultStore store, DataSetResolver data)
{
    public ResultStore Store => store;

    /// <summary>Delete any stored result or checkpoint of the config and train from scratch.</summary>
    public bool Force { get; init; }

    public IProgress<TrainingProgress>? Progress { get; init; }

    /// <summary>Steps between NaN checks and progress reports (see <see cref="TrainerOptions.CheckEvery"/>).</summary>
    public int CheckEvery { get; init; } = 50;

    public TextWriter? Log { get; init; }

    public ExperimentResult Run(Experiment e)
    {
        var planned = e;
        e = DryRun.Apply(e);
        e.Validate(e.Name);
        if (!Force && store.TryLoad(e) is { } done) return done;
        var folder = store.FolderOf(e);
        if (Force && Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        Directory.CreateDirectory(folder);
        AtomicFile.WriteText(Path.Combine(folder, ResultStore.ConfigFile), e.ToJson());

        TorchRuntime.Seed(e.Seed, TorchRuntime.Current.IsCuda);
        using var student = ModelZoo.Create(e.Student);
        if (e.StartFrom is not null)
        {
            using var start = LoadStudent(store.FindTeacher(new TeacherSpec(e.StartFrom), e.Seed));
            student.load_state_dict(start.state_dict());
        }
        var teacherRuns = e.Teachers.Select(t => store.FindTeacher(t, e.Seed)).ToList();
        var teachers = teacherRuns.Select(LoadStudent).ToList();
        DataSplits? splits = null;
        try
        {
            splits = data(new DataRequest(e.DataSet, e.Profile, e.BatchSize, e.Seed, e.TrainImages, e.TestImages));
            if (splits.Train.NumClasses != e.Student.NumClasses)
                throw new InvalidDataException(
                    $"{e.Name}: data set '{e.DataSet}' has {splits.Train.NumClasses} classes, the student {e.Student.NumClasses}.");
            var context = new LossContext(e.Student, teacherRuns.Select(t => t.Config.Student).ToList(), e.Seed);
            using var distiller = new Distiller(student, teachers, Terms(e, context));
            var trainer = new Trainer(distiller, splits.Train, splits.Test, new TrainerOptions
            {
                Epochs = e.Epochs,
                Optimizer = e.Optimizer,
                Schedule = e.Schedule,
                Seed = e.Seed,
                Folder = folder,
                CheckEvery = CheckEvery,
                Progress = Progress,
                Log = Log,
            });
            var result = DryRun.Measured(e.DryRun, folder, planned.Epochs, planned.BatchSize, trainer.Fit);
            var summary = Summarise(e, result, student);
            AtomicFile.WriteText(Path.Combine(folder, ResultStore.SummaryFile),
                System.Text.Json.JsonSerializer.Serialize(summary, Experiment.Json));
            return new ExperimentResult(e, summary, folder, Reused: false);
        }
        finally
        {
            foreach (var t in teachers) t.Dispose();
            (splits?.Train as IDisposable)?.Dispose();
            (splits?.Test as IDisposable)?.Dispose();
        }
    }

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

    static ExperimentSummary Summarise(Experiment e, TrainingResult result, DistillModel student)
    {
        var final = result.Final;
        return new ExperimentSummary(e.Name, e.Hash, e.Seed, e.DataSet, e.Profile, e.Student.Name,
            e.Teachers.Select(t => t.Experiment).ToList(), e.Losses.Select(l => l.ToString()).ToList(), e.Epochs,
            final.TestTop1, final.TestTop5, result.History.Max(m => m.TestTop1), final.TestLoss,
            result.History.Sum(m => m.Seconds), student.parameters().Sum(p => p.numel()), DateTimeOffset.UtcNow);
    }
}
