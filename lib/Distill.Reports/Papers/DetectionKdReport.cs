using Deedle;
using Frame = Deedle.Frame;
using Distill.Data.Detection;
using Distill.Experiments.Detection;
using Distill.Experiments.Papers;
using Distill.Reporting;
using Plotly.NET;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Distill.Reports;

/// <summary>
/// The detection distillation notebook's report (Chen et al. 2017), built from the finished
/// <see cref="DetectionResult"/>s of <see cref="DetectionRunner.RunAll"/> and the runner that loads their detectors:
/// the ablation table (VOC mAP and per-class AP, parameters, FLOPs, inference time; <see cref="Table"/>), what it says
/// (<see cref="Findings"/>), every loss component per epoch (<see cref="Curves"/>) and test images with each model's
/// boxes side by side (<see cref="SideBySide"/>).
/// </summary>
public sealed class DetectionKdReport(DetectionRunner runner, IReadOnlyList<DetectionResult> results)
{
    /// <summary>The ablation's runs, before training: detector, teacher, the distillation weights, schedule and data size.</summary>
    public static Frame<string, string> Plan(IReadOnlyList<DetectionExperiment> runs) =>
        Frame.FromRecords(runs.Select(e => new
        {
            Run = DetectionKd.LabelOf(e.Name),
            e.Name,
            Detector = $"{e.Detector.Name} ({string.Join("-", e.Detector.Widths)} x{e.Detector.ConvsPerStage}, head {e.Detector.Head.RepresentationSize})",
            Teacher = e.Teacher ?? "-",
            DetectionKd.Switches(e).Gamma,
            DetectionKd.Switches(e).Mu,
            DetectionKd.Switches(e).Nu,
            DetectionKd.Switches(e).Margin,
            e.ImageSize,
            e.Epochs,
            LearningRate = e.Optimizer.LearningRate,
            TrainImages = e.TrainImages?.ToString() ?? "all",
            Hash = e.Hash,
        })).IndexRows<string>("Run");

    /// <summary>Each student's mAP (VOC07 11-point) against the student from scratch and the teacher, in points, as sentences.</summary>
    public string Findings()
    {
        var byName = results.ToDictionary(r => DetectionKd.RowOf(r.Config.Name) ?? r.Config.Name);
        if (!byName.TryGetValue(DetectionKd.Teacher, out var teacher) || !byName.TryGetValue("det-scratch", out var scratch))
            throw new ArgumentException("Findings need the teacher and the student-from-scratch runs.");
        var lines = new List<string>
        {
            $"Teacher {100 * teacher.Summary.MeanAp:F1} mAP, student from scratch {100 * scratch.Summary.MeanAp:F1} mAP " +
            $"(gap {100 * (teacher.Summary.MeanAp - scratch.Summary.MeanAp):+0.0;-0.0;0.0} points, {teacher.Summary.Parameters / (double)scratch.Summary.Parameters:F1}x the parameters).",
        };
        foreach (var r in results.Where(r => r.Config.Teacher is not null))
            lines.Add($"{DetectionKd.LabelOf(r.Config.Name)}: {100 * r.Summary.MeanAp:F1} mAP, {100 * (r.Summary.MeanAp - scratch.Summary.MeanAp):+0.0;-0.0;0.0} points vs scratch.");
        return string.Join("\n", lines);
    }

    /// <summary>
    /// One row per run (labelled as in <see cref="DetectionKd.Rows"/>): "mAP" (VOC07 11-point, %), "mAP (area)" (%),
    /// AP per class (%), "Params (M)", "box head params (M)", "GFLOPs" (at the run's image size, box head times the
    /// test-time RoIs), "ms / image" (median of three detections of one test image).
    /// </summary>
    public Frame<string, string> Table()
    {
        var labels = results.Select(r => DetectionKd.LabelOf(r.Config.Name)).ToList();
        var costs = new List<DetectorCost>();
        var times = new List<double>();
        foreach (var r in results)
        {
            using var detector = runner.LoadDetector(r);
            costs.Add(DetectorCost.Of(detector, r.Config.Detector.Name, r.Config.ImageSize));
            using var batch = TestSource(r, batchSize: 1).Epoch(0).First();
            times.Add(DetectorCost.InferenceMilliseconds(detector, batch.Images, repeats: 3));
        }
        var frame = Frame.CreateEmpty<string, string>();
        void Column(string name, IEnumerable<double> values) => frame.AddColumn(name, new Series<string, double>(labels, values.Select(v => Math.Round(v, 2))));
        Column("mAP", results.Select(r => 100 * r.Summary.MeanAp));
        Column("mAP (area)", results.Select(r => 100 * r.Summary.MeanApArea));
        foreach (var cls in results.SelectMany(r => r.Summary.AveragePrecision.Keys).Distinct())
            Column(cls, results.Select(r => r.Summary.AveragePrecision.TryGetValue(cls, out var ap) ? 100 * ap : double.NaN));
        Column("Params (M)", costs.Select(c => c.Params / 1e6));
        Column("box head params (M)", costs.Select(c => c.BoxHeadParams / 1e6));
        Column("GFLOPs", costs.Select(c => c.Flops / 1e9));
        Column("ms / image", times);
        return frame;
    }

    /// <summary>
    /// The first <paramref name="images"/> test images as rows, one column per run, each with that model's detections
    /// scoring at least <paramref name="minScore"/> (box, class, score), ground truth dashed in white.
    /// </summary>
    public Picture SideBySide(int images = 3, double minScore = 0.5, int scale = 2)
    {
        if (results.Count == 0) throw new ArgumentException("No runs to draw.", nameof(results));
        var source = TestSource(results[0], images);
        using var batch = source.Epoch(0).First();
        var columns = new List<BoxDrawing.Panel[]>();
        foreach (var r in results)
        {
            using var detector = runner.LoadDetector(r);
            var found = detector.Detect(batch.Images);
            columns.Add(found.Select((d, k) => BoxDrawing.Panel.Of(batch.Images[k], d, batch.Targets[k], minScore)).ToArray());
            foreach (var d in found) { d.Boxes.Dispose(); d.Scores.Dispose(); d.Labels.Dispose(); }
        }
        return new Picture(BoxDrawing.Grid(results.Select(r => DetectionKd.LabelOf(r.Config.Name)).ToList(), columns, source.Data.Classes, scale));
    }

    /// <summary>Every loss component per epoch, one panel per component ("rpn_cls", ..., "bounded", "total"), one line per run; and test mAP.</summary>
    public GenericChart Curves()
    {
        var histories = results.Select(r => (Label: DetectionKd.LabelOf(r.Config.Name), History: r.History())).ToList();
        string[] order = ["rpn_cls", "rpn_reg", "rcn_cls", "rcn_reg", "hint", "bounded", "total"];
        var keys = order.Where(k => histories.Any(h => h.History.Any(m => m.Losses.ContainsKey(k)))).ToList();
        var panels = keys.Select((key, i) => CSharpChart.Combine(histories
                .Where(h => h.History.All(m => m.Losses.ContainsKey(key)))
                .Select(h => CSharpChart.Line<int, double, string>(h.History.Select(m => m.Epoch + 1), h.History.Select(m => m.Losses[key]),
                    Name: h.Label, ShowLegend: false, ShowMarkers: true))))
            .Append(CSharpChart.Combine(histories.Select(h => CSharpChart.Line<int, double, string>(h.History.Select(m => m.Epoch + 1),
                h.History.Select(m => 100 * m.MeanAp), Name: h.Label, ShowLegend: true, ShowMarkers: true))))
            .ToList();
        int columns = 4, rows = (panels.Count + columns - 1) / columns;
        return Plotly.NET.CSharp.GenericChartExtensions.WithSize(
            CSharpChart.Grid(panels, rows, columns, SubPlotTitles: keys.Select(k => $"{k} (train mean)").Append("test mAP (%)").ToArray()),
            1100, 320 * rows);
    }

    VocDetectionSource TestSource(DetectionResult r, int batchSize)
    {
        var test = DetectionDataSets.Open(r.Config.DataSet, runner.DataRoot).Test;
        if (r.Config.TestImages is int n) test = test.Take(n);
        return new VocDetectionSource(test, r.Config.ImageSize, batchSize, shuffle: false, flip: false);
    }
}
