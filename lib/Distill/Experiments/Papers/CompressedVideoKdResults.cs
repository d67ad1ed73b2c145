using Deedle;
using Distill.Data.Video;
using Distill.Models;
using Distill.Reporting;
using Distill.Training;
using Plotly.NET;
using Plotly.NET.CSharp;
using Frame = Deedle.Frame;
using Chart = Plotly.NET.CSharp.Chart;

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

    /// <summary>The table as the paper lays it out, accuracies in percent.</summary>
    public Frame<string, string> Table() =>
        Frame.FromRecords(Rows.Select(r => new
        {
            r.Method,
            r.Network,
            ClipAccuracy = Math.Round(100 * r.ClipTop1, 2),
            VideoAccuracy = Math.Round(100 * r.VideoTop1, 2),
            r.Params,
            SizeMB = Math.Round(r.SizeMB, 2),
            GFlops = Math.Round(r.GMacsPerSegment, 4),
            MsPerVideo = Math.Round(r.MsPerVideo, 2),
        })).IndexRows<string>("Method");

    /// <summary>Teachers together vs the student: parameter and compute ratios, and the accuracy each student method loses.</summary>
    public Frame<string, string> Compression()
    {
        var fused = this["teachers fused (CoViAR)"];
        return Frame.FromRecords(Rows.Where(r => r.Method.StartsWith("student", StringComparison.Ordinal)).Select(r => new
        {
            r.Method,
            ParamsRatio = Math.Round((double)fused.Params / r.Params, 3),
            ComputeRatio = Math.Round(fused.GMacsPerSegment / r.GMacsPerSegment, 3),
            VideoAccuracyDelta = Math.Round(100 * (r.VideoTop1 - fused.VideoTop1), 2),
        })).IndexRows<string>("Method");
    }

    /// <summary>What the table shows, in sentences: the compression of the student and how each training method fares.</summary>
    public IReadOnlyList<string> Findings()
    {
        var fused = this["teachers fused (CoViAR)"];
        var multi = this["student multi-teacher KD"];
        var scratch = this["student from scratch"];
        var single = Rows.Where(r => r.Method.StartsWith("student KD from", StringComparison.Ordinal)).MaxBy(r => r.VideoTop1)!;
        var iFrameTeacher = Study.Teacher(CompressedStream.IFrame).Student.Name;
        return
        [
            fused.Params > multi.Params
                ? $"The student has {(double)fused.Params / multi.Params:F2}x fewer parameters than the three teachers ({multi.SizeMB:F1} vs {fused.SizeMB:F1} MB) and needs {fused.GMacsPerSegment / multi.GMacsPerSegment:F2}x less compute per segment."
                : $"The student is not smaller than the three teachers here ({multi.SizeMB:F1} vs {fused.SizeMB:F1} MB): this profile's I-frame teacher is {iFrameTeacher}; the paper's ResNet-152 makes the teachers 2.4x larger.",
            $"Video accuracy: fused teachers {100 * fused.VideoTop1:F2}%, student from scratch {100 * scratch.VideoTop1:F2}%, best single-teacher KD ({single.Method}) {100 * single.VideoTop1:F2}%, multi-teacher KD {100 * multi.VideoTop1:F2}%.",
            $"Multi-teacher KD is {100 * (multi.VideoTop1 - fused.VideoTop1):+0.00;-0.00;0.00} points from the fused teachers, {100 * (multi.VideoTop1 - single.VideoTop1):+0.00;-0.00;0.00} from the best single teacher and {100 * (multi.VideoTop1 - scratch.VideoTop1):+0.00;-0.00;0.00} from training without a teacher.",
            $"Every row is evaluated on the same test videos, {Study.Data.TestSegments} segments each; {SkippedVideos} unreadable video(s) of the split were skipped.",
        ];
    }

    /// <summary>Test video accuracy after every epoch of every trained run.</summary>
    public GenericChart Curves() =>
        Chart.Combine(Runs.Select(r =>
        {
            var history = r.History();
            return Chart.Line<int, double, string>(
                x: history.Select(m => m.Epoch + 1), y: history.Select(m => 100 * m.TestTop1), ShowMarkers: true, Name: r.Config.Name);
        }))
        .WithXAxisStyle<int, int, string>(TitleText: "epoch")
        .WithYAxisStyle<double, double, string>(TitleText: "test video accuracy (%)");

    /// <summary>Compression vs accuracy: size in MB against video accuracy, one point per network of the table.</summary>
    public GenericChart CompressionChart() =>
        Chart.Combine(Rows.Select(r => Chart.Point<double, double, string>(
            x: [r.SizeMB], y: [100 * r.VideoTop1], Name: r.Method, MultiText: new[] { r.Method },
            TextPosition: StyleParam.TextPosition.TopCenter)))
        .WithXAxisStyle<double, double, string>(TitleText: "size (MB, fp32)")
        .WithYAxisStyle<double, double, string>(TitleText: "video accuracy (%)");
}
