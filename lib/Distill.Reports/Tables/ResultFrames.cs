using Deedle;
using Distill.Experiments;

namespace Distill.Reports;

/// <summary>Deedle frames of finished experiments, for notebook tables and charts.</summary>
public static class ResultFrames
{
    /// <summary>One row per finished run: config columns and final metrics.</summary>
    public static Frame<int, string> Summaries(IEnumerable<ExperimentResult> results) =>
        Frame.FromRecords(results.Select(r => new
        {
            r.Summary.Name,
            r.Summary.Hash,
            r.Summary.Seed,
            r.Summary.DataSet,
            r.Summary.Profile,
            r.Summary.Student,
            Teachers = string.Join("+", r.Summary.Teachers),
            Losses = string.Join(" + ", r.Summary.Losses),
            r.Summary.Epochs,
            r.Summary.TestTop1,
            r.Summary.TestTop5,
            r.Summary.BestTop1,
            r.Summary.TestLoss,
            r.Summary.TrainSeconds,
            r.Summary.StudentParameters,
        }));

    /// <summary>One row per experiment name: mean and standard deviation over its seeds.</summary>
    public static Frame<int, string> AcrossSeeds(IEnumerable<ExperimentResult> results) =>
        Frame.FromRecords(results.GroupBy(r => r.Config.Name).Select(g => SeedAggregate.Of(g.ToList())));

    /// <summary>One row per (run, epoch): every metrics.jsonl record, loss terms as "loss_&lt;key&gt;" columns (missing where a run lacks the term).</summary>
    public static Frame<int, string> Epochs(IEnumerable<ExperimentResult> results)
    {
        var rows = results.SelectMany(r => r.History().Select(m => (r.Config, Metrics: m))).ToList();
        var frame = Frame.FromRecords(rows.Select(x => new
        {
            x.Config.Name,
            x.Config.Seed,
            x.Metrics.Epoch,
            x.Metrics.LearningRate,
            x.Metrics.TrainTop1,
            x.Metrics.TestLoss,
            x.Metrics.TestTop1,
            x.Metrics.TestTop5,
            x.Metrics.Seconds,
            x.Metrics.ImagesPerSecond,
        }));
        foreach (var key in rows.SelectMany(x => x.Metrics.Losses.Keys).Distinct())
            frame.AddColumn($"loss_{key}", new Series<int, double>(Enumerable.Range(0, rows.Count),
                rows.Select(x => x.Metrics.Losses.TryGetValue(key, out var v) ? v : double.NaN)));
        return frame;
    }
}
