using Distill.Data.Video;
using Distill.Models;
using Distill.Reporting;
using Distill.Training;

namespace Distill.Experiments.Papers;

/// <summary>One row of the paper's table: a network, its clip and video accuracy, size, compute and speed.</summary>
/// <param name="GMacsPerSegment">Multiply-accumulates (the papers' "FLOPs") of one segment: each stream run once.</param>
/// <param name="MsPerVideo">Forward time per test video (all its segments), data loading excluded, on this machine.</param>
public sealed record CompressedVideoRow(string Method, string Network, double ClipTop1, double VideoTop1, long Params, double SizeMB,
    double GMacsPerSegment, double MsPerVideo);

/// <summary>
/// The finished runs of <see cref="CompressedVideoKd"/> evaluated on the test split: each stream teacher, the fused
/// teachers (CoViAR), the student from scratch, with single-teacher KD from each teacher and with multi-teacher KD;
/// clip accuracy (each segment alone) and video accuracy (segment scores averaged), parameters, size, compute, time.
/// Distill.Reports' CompressedVideoKdReport shows them as the paper's table, charts and findings.
/// </summary>
public sealed class CompressedVideoKdResults
{
    CompressedVideoKdResults(CompressedVideoKd study, IReadOnlyList<ExperimentResult> runs, IReadOnlyList<CompressedVideoRow> rows, int skipped)
    {
        Study = study;
        Runs = runs;
        Rows = rows;
        SkippedVideos = skipped;
    }

    public CompressedVideoKd Study { get; }

    /// <summary>The trained experiments, in <see cref="CompressedVideoKd.All"/> order.</summary>
    public IReadOnlyList<ExperimentResult> Runs { get; }

    public IReadOnlyList<CompressedVideoRow> Rows { get; }

    /// <summary>Videos of the split that could not be read and were left out of training and testing.</summary>
    public int SkippedVideos { get; }

    /// <summary>The row of <paramref name="method"/> (as in the table's Method column).</summary>
    public CompressedVideoRow this[string method] => Rows.Single(r => r.Method == method);

    internal static CompressedVideoKdResults Collect(CompressedVideoKd study, IReadOnlyList<ExperimentResult> runs)
    {
        // The test videos the runs evaluated on: all of them, or a dry run's first few (DryRun).
        var ran = runs[0].Config;
        var splits = study.Resolve(new DataRequest(study.DataSet, study.Profile, ran.BatchSize, study.Seed, ran.TrainImages, ran.TestImages));
        var test = splits.Test;
        int skipped = ((VideoBatchSource)splits.Train).Skipped.Count + ((VideoBatchSource)test).Skipped.Count;
        var byName = runs.ToDictionary(r => r.Config.Name);
        var rows = new List<CompressedVideoRow>();
        var teachers = new List<StreamSlice>();
        try
        {
            foreach (var stream in StreamLayout.Streams)
            {
                var teacher = (StreamSlice)ExperimentRunner.LoadStudent(byName[study.Teacher(stream).Name]);
                teachers.Add(teacher);
                rows.Add(Row($"{StreamLayout.Key(stream)} teacher", study.Teacher(stream).Student.Name, teacher, study, test));
            }
            using (var fused = new CoViarNet(teachers, study.FusionWeights))
                rows.Add(Row("teachers fused (CoViAR)", string.Join(" + ", StreamLayout.Streams.Select(s => study.Teacher(s).Student.Name)), fused, study, test));
        }
        finally
        {
            foreach (var t in teachers) t.Dispose();
        }
        foreach (var (method, e) in Students(study))
        {
            using var model = ExperimentRunner.LoadStudent(byName[e.Name]);
            rows.Add(Row(method, e.Student.Name, model, study, test));
        }
        return new CompressedVideoKdResults(study, runs, rows, skipped);
    }

    static IEnumerable<(string Method, Experiment Config)> Students(CompressedVideoKd study) =>
        [("student from scratch", study.Scratch),
         .. StreamLayout.Streams.Select(s => ($"student KD from {StreamLayout.Key(s)} teacher", study.SingleTeacher(s))),
         ("student multi-teacher KD", study.MultiTeacherKd)];

    static CompressedVideoRow Row(string method, string network, DistillModel model, CompressedVideoKd study, Data.IBatchSource test)
    {
        var scores = SegmentEvaluation.Evaluate(model, test);
        var cost = ModelSummary.Of(model, network, [StreamLayout.Channels, study.Data.ImageSize, study.Data.ImageSize]);
        return new CompressedVideoRow(method, network, scores.ClipTop1, scores.VideoTop1, cost.Params, cost.SizeMB, cost.Macs / 1e9, scores.MillisecondsPerVideo);
    }
}
