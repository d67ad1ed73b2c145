using Deedle;
using Distill.Losses;
using Distill.Models;
using Distill.Reporting;
using Plotly.NET;
using Plotly.NET.CSharp;
using static TorchSharp.torch;
using Chart = Plotly.NET.CSharp.Chart;
using Frame = Deedle.Frame;

namespace Distill.Experiments.Papers;

/// <summary>
/// The table and charts of the cross-layer KD notebook (Chou et al., APSIPA ASC 2020) from finished
/// <see cref="CrossLayerKd.RowResult"/>s: top-1 per method with its gain over the student from scratch and the
/// compression ratios of the model summary, test curves per method, accuracy against compression, and teacher vs
/// student Gram matrices.
/// </summary>
public static class CrossLayerKdReport
{
    /// <summary>One table row; accuracies in percent, ratios teacher / model (the papers' "2.08x").</summary>
    public sealed record Row(string Method, string Pair, string Model, double Top1, double Std, double DeltaVsScratch,
        double PaperDelta, double ParamsRatio, double FlopsRatio, int Seeds);

    /// <summary>
    /// The rows of the table. FLOPs ratio is the ratio of multiply-accumulates, the quantity the paper calls FLOPs
    /// (<see cref="ModelSummary.Macs"/>); the params ratio counts the student alone (adaptation layers are dropped).
    /// Std is the sample standard deviation over seeds (0 for one seed). PaperDelta: the paper's gain of the full method.
    /// </summary>
    public static IReadOnlyList<Row> Rows(IReadOnlyList<CrossLayerKd.RowResult> results)
    {
        var summaries = new Dictionary<ModelSpec, ModelSummary>();
        ModelSummary Summary(ModelSpec spec) => summaries.TryGetValue(spec, out var s) ? s : summaries[spec] = ModelSummary.Of(spec);
        var rows = new List<Row>();
        foreach (var byPair in results.GroupBy(r => r.Pair))
        {
            var pair = byPair.Key;
            var teacher = Summary(pair.Teacher);
            double scratch = Top1(byPair.Single(r => r.Method == CrossLayerKd.Scratch)).Mean;
            foreach (var r in byPair)
            {
                var spec = r.Method == CrossLayerKd.Teacher ? pair.Teacher : pair.Student;
                var model = Summary(spec);
                var (mean, std) = Top1(r);
                rows.Add(new Row(r.Method, pair.Key, spec.Name, Math.Round(mean, 2), Math.Round(std, 2), Math.Round(mean - scratch, 2),
                    r.Method == CrossLayerKd.Full && pair.PaperGain is double gain ? gain : double.NaN,
                    Math.Round((double)teacher.Params / model.Params, 2), Math.Round((double)teacher.Macs / model.Macs, 2), r.Runs.Count));
            }
        }
        return rows;
    }

    static (double Mean, double Std) Top1(CrossLayerKd.RowResult r) =>
        SeedAggregate.MeanStd(r.Runs.Select(x => 100 * x.Summary.TestTop1).ToList());

    /// <summary>The table as a Deedle frame indexed by "pair: method" (by method alone when there is one pair).</summary>
    public static Frame<string, string> Table(IReadOnlyList<CrossLayerKd.RowResult> results)
    {
        var rows = Rows(results);
        bool onePair = rows.Select(r => r.Pair).Distinct().Count() == 1;
        var frame = Frame.FromRecords(rows.Select(r => new
        {
            Row = onePair ? r.Method : $"{r.Pair}: {r.Method}",
            r.Model,
            r.Top1,
            r.Std,
            r.DeltaVsScratch,
            r.PaperDelta,
            r.ParamsRatio,
            r.FlopsRatio,
            r.Seeds,
        })).IndexRows<string>("Row");
        foreach (var (from, to) in new[]
                 {
                     ("Top1", "top-1 (%)"), ("Std", "± std"), ("DeltaVsScratch", "Δ vs scratch"), ("PaperDelta", "paper Δ"),
                     ("ParamsRatio", "params ratio"), ("FlopsRatio", "FLOPs ratio"), ("Seeds", "seeds"),
                 })
            frame.RenameColumn(from, to);
        return frame;
    }

    /// <summary>
    /// One line per pair comparing the full method and the best single addition with the student from scratch and
    /// with the paper's gain, e.g. "fmnist-resnet20-resnet8: full method 71.2 % vs scratch 69.0 % (+2.2 points; paper: n/a)".
    /// </summary>
    public static string Findings(IReadOnlyList<CrossLayerKd.RowResult> results) =>
        string.Join("\n", Rows(results).GroupBy(r => r.Pair).Select(g =>
        {
            var rows = g.ToDictionary(r => r.Method);
            var full = rows[CrossLayerKd.Full];
            var best = g.Where(r => r.Method is not (CrossLayerKd.Teacher or CrossLayerKd.Scratch)).MaxBy(r => r.Top1)!;
            var paper = double.IsNaN(full.PaperDelta) ? "the paper has no number for this pair" : $"paper {full.PaperDelta:+0.00;-0.00;0.00} points";
            return $"{g.Key}: teacher {rows[CrossLayerKd.Teacher].Top1:0.00} %, student from scratch {rows[CrossLayerKd.Scratch].Top1:0.00} %, " +
                   $"full method {full.Top1:0.00} % ({full.DeltaVsScratch:+0.00;-0.00;0.00} points; {paper}); " +
                   $"best row: {best.Method} {best.Top1:0.00} % ({best.DeltaVsScratch:+0.00;-0.00;0.00}); {full.Seeds} seed(s).";
        }));

    /// <summary>Test top-1 (%) per epoch of each method's final stage, averaged over seeds; one line per method and pair.</summary>
    public static GenericChart TrainingCurves(IReadOnlyList<CrossLayerKd.RowResult> results)
    {
        bool onePair = results.Select(r => r.Pair).Distinct().Count() == 1;
        var lines = results.Select(r =>
        {
            var histories = r.Runs.Select(x => x.History()).ToList();
            int epochs = histories.Min(h => h.Count);
            var x = Enumerable.Range(1, epochs).ToArray();
            var y = x.Select(e => Math.Round(histories.Average(h => 100 * h[e - 1].TestTop1), 2)).ToArray();
            return Chart.Line<int, double, string>(x, y, Name: onePair ? r.Method : $"{r.Pair.Key}: {r.Method}", ShowMarkers: true);
        });
        return Chart.Combine(lines)
            .WithXAxisStyle<int, int, string>(TitleText: "epoch (final stage)")
            .WithYAxisStyle<double, double, string>(TitleText: "test top-1 (%)");
    }

    /// <summary>Accuracy against parameter compression (teacher params / model params): one marker per method and pair.</summary>
    public static GenericChart AccuracyVsCompression(IReadOnlyList<CrossLayerKd.RowResult> results)
    {
        var rows = Rows(results);
        var points = rows.GroupBy(r => r.Method).Select(g =>
            Chart.Point<double, double, string>(g.Select(r => r.ParamsRatio), g.Select(r => r.Top1), Name: g.Key,
                MultiText: g.Select(r => r.Pair).ToArray()));
        return Chart.Combine(points)
            .WithXAxisStyle<double, double, string>(TitleText: "compression: teacher params / model params")
            .WithYAxisStyle<double, double, string>(TitleText: "test top-1 (%)");
    }

    /// <summary>The Gram matrices shown in the notebook, batch-averaged, with their mean squared distance to the teacher's.</summary>
    public sealed record GramView(LayerPair Stages, double[][] Teacher, double[][] Scratch, double[][] CrossLayer,
        double ScratchDistance, double CrossLayerDistance);

    /// <summary>
    /// G^{0,last} of the teacher (seed 0), the student from scratch and the student after the cross-layer stage 1 (first
    /// seed), averaged over the first <paramref name="images"/> test images: what the Gram loss asks the student to copy.
    /// The stage-1 student's raw stage maps are used (its 1x1 adaptations are not part of the student); when channel
    /// counts differ the student's matrix is smaller and the distances are not reported (NaN).
    /// </summary>
    public static GramView Gram(CrossLayerSetup setup, CrossLayerPair pair, ExperimentRunner runner, int images = 64)
    {
        int seed = setup.Seeds[0];
        ExperimentResult Final(string method, int s) => CrossLayerKd.RunRow(setup, pair, method, s, runner)[^1];
        var stage1 = CrossLayerKd.RunRow(setup, pair, CrossLayerKd.CrossLayer, seed, runner)[^2];
        var splits = DataSetCatalog.Resolve(new DataRequest(pair.DataSet, setup.Profile, images, seed, setup.TrainImages, images));
        try
        {
            using var batch = splits.Test.Epoch(0).First();
            using var teacher = ExperimentRunner.LoadStudent(Final(CrossLayerKd.Teacher, 0));
            using var scratch = ExperimentRunner.LoadStudent(Final(CrossLayerKd.Scratch, seed));
            using var crossLayer = ExperimentRunner.LoadStudent(stage1);
            int last = Math.Min(teacher.StageNames.Count, scratch.StageNames.Count) - 1;
            var stages = new LayerPair(0, last);
            var t = MeanGram(teacher, batch.Images, stages);
            var s = MeanGram(scratch, batch.Images, stages);
            var c = MeanGram(crossLayer, batch.Images, stages);
            return new GramView(stages, t, s, c, Distance(t, s), Distance(t, c));
        }
        finally
        {
            (splits.Train as IDisposable)?.Dispose();
            (splits.Test as IDisposable)?.Dispose();
        }
    }

    static double[][] MeanGram(DistillModel model, Tensor images, LayerPair stages)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        model.eval();
        var taps = model.call(images);
        var g = GramMatrix.Compute(taps.Stages[stages.First], taps.Stages[stages.Second]).mean([0]).cpu().to(ScalarType.Float64);
        int rows = (int)g.shape[0], cols = (int)g.shape[1];
        var flat = g.data<double>().ToArray();
        return Enumerable.Range(0, rows).Select(i => flat.AsSpan(i * cols, cols).ToArray()).ToArray();
    }

    static double Distance(double[][] a, double[][] b) =>
        a.Length != b.Length || a[0].Length != b[0].Length
            ? double.NaN
            : a.Zip(b).SelectMany(p => p.First.Zip(p.Second, (x, y) => (x - y) * (x - y))).Average();

    /// <summary>The three matrices side by side as heatmaps (rows: channels of the first stage, columns: of the last).</summary>
    public static GenericChart GramHeatmaps(GramView view) =>
        Chart.Grid(
            [Heatmap(view.Teacher), Heatmap(view.Scratch), Heatmap(view.CrossLayer)], 1, 3,
            SubPlotTitles: new[]
            {
                $"teacher G{view.Stages}",
                $"student from scratch (MSE {view.ScratchDistance:0.####})",
                $"student after cross-layer stage 1 (MSE {view.CrossLayerDistance:0.####})",
            });

    static GenericChart Heatmap(double[][] matrix) =>
        Chart.Heatmap<double, int, int, string>(matrix, ShowScale: false);
}
