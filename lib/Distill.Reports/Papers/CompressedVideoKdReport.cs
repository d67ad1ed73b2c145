using Deedle;
using Distill.Data.Video;
using Distill.Experiments.Papers;
using Plotly.NET;
using Plotly.NET.CSharp;
using Chart = Plotly.NET.CSharp.Chart;
using Frame = Deedle.Frame;

namespace Distill.Reports;

/// <summary>
/// The compressed-video multi-teacher KD notebook's report, built from the <see cref="CompressedVideoKdResults"/> of
/// <see cref="CompressedVideoKd.Run"/>: the paper's table (<see cref="Table"/>), teachers vs student compression
/// (<see cref="Compression"/>), what they say (<see cref="Findings"/>), test curves (<see cref="Curves"/>) and size
/// against accuracy (<see cref="CompressionChart"/>).
/// </summary>
public sealed class CompressedVideoKdReport(CompressedVideoKdResults results)
{
    const string Fused = "teachers fused (CoViAR)";

    /// <summary>The study's runs, before training: model, width, input size, teachers and loss terms of each.</summary>
    public static Frame<string, string> Plan(CompressedVideoKd study) =>
        Frame.FromRecords(study.All.Select(e => new
        {
            e.Name,
            Model = e.Student.Name,
            e.Student.Width,
            e.Student.ImageSize,
            Teachers = string.Join(", ", e.Teachers.Select(t => t.Experiment)),
            Losses = string.Join(" + ", e.Losses),
            e.Epochs,
            e.BatchSize,
        })).IndexRows<string>("Name");

    /// <summary>The table as the paper lays it out, accuracies in percent.</summary>
    public Frame<string, string> Table() =>
        Frame.FromRecords(results.Rows.Select(r => new
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
        var fused = results[Fused];
        return Frame.FromRecords(results.Rows.Where(r => r.Method.StartsWith("student", StringComparison.Ordinal)).Select(r => new
        {
            r.Method,
            ParamsRatio = Math.Round((double)fused.Params / r.Params, 3),
            ComputeRatio = Math.Round(fused.GMacsPerSegment / r.GMacsPerSegment, 3),
            VideoAccuracyDelta = Math.Round(100 * (r.VideoTop1 - fused.VideoTop1), 2),
        })).IndexRows<string>("Method");
    }

    /// <summary>What the table shows, one sentence a line: the compression of the student and how each training method fares.</summary>
    public string Findings()
    {
        var fused = results[Fused];
        var multi = results["student multi-teacher KD"];
        var scratch = results["student from scratch"];
        var single = results.Rows.Where(r => r.Method.StartsWith("student KD from", StringComparison.Ordinal)).MaxBy(r => r.VideoTop1)!;
        var iFrameTeacher = results.Study.Teacher(CompressedStream.IFrame).Student.Name;
        string[] lines =
        [
            fused.Params > multi.Params
                ? $"The student has {(double)fused.Params / multi.Params:F2}x fewer parameters than the three teachers ({multi.SizeMB:F1} vs {fused.SizeMB:F1} MB) and needs {fused.GMacsPerSegment / multi.GMacsPerSegment:F2}x less compute per segment."
                : $"The student is not smaller than the three teachers here ({multi.SizeMB:F1} vs {fused.SizeMB:F1} MB): this profile's I-frame teacher is {iFrameTeacher}; the paper's ResNet-152 makes the teachers 2.4x larger.",
            $"Video accuracy: fused teachers {100 * fused.VideoTop1:F2}%, student from scratch {100 * scratch.VideoTop1:F2}%, best single-teacher KD ({single.Method}) {100 * single.VideoTop1:F2}%, multi-teacher KD {100 * multi.VideoTop1:F2}%.",
            $"Multi-teacher KD is {100 * (multi.VideoTop1 - fused.VideoTop1):+0.00;-0.00;0.00} points from the fused teachers, {100 * (multi.VideoTop1 - single.VideoTop1):+0.00;-0.00;0.00} from the best single teacher and {100 * (multi.VideoTop1 - scratch.VideoTop1):+0.00;-0.00;0.00} from training without a teacher.",
            $"Every row is evaluated on the same test videos, {results.Study.Data.TestSegments} segments each; {results.SkippedVideos} unreadable video(s) of the split were skipped.",
        ];
        return string.Join("\n", lines);
    }

    /// <summary>Test video accuracy after every epoch of every trained run.</summary>
    public GenericChart Curves() =>
        Chart.Combine(results.Runs.Select(r =>
        {
            var history = r.History();
            return Chart.Line<int, double, string>(
                x: history.Select(m => m.Epoch + 1), y: history.Select(m => 100 * m.TestTop1), ShowMarkers: true, Name: r.Config.Name);
        }))
        .WithXAxisStyle<int, int, string>(TitleText: "epoch")
        .WithYAxisStyle<double, double, string>(TitleText: "test video accuracy (%)");

    /// <summary>Compression vs accuracy: size in MB against video accuracy, one point per network of the table.</summary>
    public GenericChart CompressionChart() =>
        Chart.Combine(results.Rows.Select(r => Chart.Point<double, double, string>(
            x: [r.SizeMB], y: [100 * r.VideoTop1], Name: r.Method, MultiText: new[] { r.Method },
            TextPosition: StyleParam.TextPosition.TopCenter)))
        .WithXAxisStyle<double, double, string>(TitleText: "size (MB, fp32)")
        .WithYAxisStyle<double, double, string>(TitleText: "video accuracy (%)");
}
