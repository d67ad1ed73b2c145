using Deedle;
using Distill.Experiments;
using Distill.Experiments.Papers;
using Distill.Models;
using Distill.Reporting;
using Plotly.NET;
using Plotly.NET.CSharp;
using Chart = Plotly.NET.CSharp.Chart;
using Frame = Deedle.Frame;

namespace Distill.Reports;

/// <summary>
/// The cross-layer KD notebook's report (Chou et al., APSIPA ASC 2020), built from the finished
/// <see cref="CrossLayerKd.RowResult"/>s of <see cref="CrossLayerKd.Run"/>: top-1 per method with its gain over the
/// student from scratch and the compression ratios of the model summary (<see cref="Table"/>), what they say
/// (<see cref="Findings"/>), test curves per method (<see cref="Curves"/>) and accuracy against compression
/// (<see cref="CompressionChart"/>). The Gram matrices the loss copies are in <see cref="CrossLayerGramView"/>.
/// </summary>
public sealed class CrossLayerKdReport(IReadOnlyList<CrossLayerKd.RowResult> results)
{
    /// <summary>One table row; accuracies in percent, ratios teacher / model (the papers' "2.08x").</summary>
    /// <param name="PVsScratch">Two-sided p of Welch's t-test of this row's seeds against the scratch student's (NaN for the
    /// scratch row itself and where either side has one seed).</param>
    public sealed record Row(string Method, string Pair, string Model, double Top1, double Std, double DeltaVsScratch,
        double PaperDelta, double ParamsRatio, double FlopsRatio, int Seeds, double PVsScratch = double.NaN);

    /// <summary>The level at which <see cref="Findings"/> calls a difference from the scratch student significant.</summary>
    public const double Alpha = 0.05;

    /// <summary>The runs of every row of a pair, before training: model, loss terms, teachers, start and schedule of each
    /// method's final stage (seed <paramref name="setup"/>.Seeds[0]).</summary>
    public static Frame<int, string> Plan(CrossLayerSetup setup, CrossLayerPair pair) =>
        Frame.FromRecords(CrossLayerKd.Methods.Select(m => CrossLayerKd.Row(setup, pair, m, setup.Seeds[0])[^1]).Select(e => new
        {
            e.Name,
            Model = e.Student.Name,
            Losses = string.Join(" + ", e.Losses),
            Teachers = string.Join(", ", e.Teachers.Select(t => $"{t.Experiment}#{t.Seed}")),
            StartFrom = e.StartFrom ?? "",
            e.Epochs,
            e.BatchSize,
            Images = e.TrainImages?.ToString() ?? "all",
        }));

    IReadOnlyList<Row>? rows;

    /// <summary>
    /// The rows of the table. FLOPs ratio is the ratio of multiply-accumulates, the quantity the paper calls FLOPs
    /// (<see cref="ModelSummary.Macs"/>); the params ratio counts the student alone (adaptation layers are dropped).
    /// Std is the sample standard deviation over seeds (0 for one seed). PaperDelta: the paper's gain of the full method.
    /// </summary>
    public IReadOnlyList<Row> Rows => rows ??= MakeRows();

    IReadOnlyList<Row> MakeRows()
    {
        var summaries = new Dictionary<ModelSpec, ModelSummary>();
        ModelSummary Summary(ModelSpec spec) => summaries.TryGetValue(spec, out var s) ? s : summaries[spec] = ModelSummary.Of(spec);
        var made = new List<Row>();
        foreach (var byPair in results.GroupBy(r => r.Pair))
        {
            var pair = byPair.Key;
            var teacher = Summary(pair.Teacher);
            var scratchRow = byPair.Single(r => r.Method == CrossLayerKd.Scratch);
            double scratch = Top1(scratchRow).Mean;
            var scratchTop1 = Top1s(scratchRow);
            foreach (var r in byPair)
            {
                var spec = r.Method == CrossLayerKd.Teacher ? pair.Teacher : pair.Student;
                var model = Summary(spec);
                var (mean, std) = Top1(r);
                made.Add(new Row(r.Method, pair.Key, spec.Name, Math.Round(mean, 2), Math.Round(std, 2), Math.Round(mean - scratch, 2),
                    r.Method == CrossLayerKd.Full && pair.PaperGain is double gain ? gain : double.NaN,
                    Math.Round((double)teacher.Params / model.Params, 2), Math.Round((double)teacher.Macs / model.Macs, 2), r.Runs.Count,
                    r == scratchRow ? double.NaN : WelchP(Top1s(r), scratchTop1)));
            }
        }
        return made;
    }

    static (double Mean, double Std) Top1(CrossLayerKd.RowResult r) => SeedAggregate.MeanStd(Top1s(r));

    internal static List<double> Top1s(CrossLayerKd.RowResult r) => r.Runs.Select(x => 100 * x.Summary.TestTop1).ToList();

    /// <summary>Welch's two-sided p of two rows' seeds; NaN where either has one seed.</summary>
    internal static double WelchP(List<double> a, List<double> b) => a.Count < 2 || b.Count < 2 ? double.NaN : WelchTest.Of(a, b).P;

    bool OnePair => results.Select(r => r.Pair).Distinct().Count() == 1;

    /// <summary>The table indexed by "pair: method" (by method alone when there is one pair).</summary>
    public Frame<string, string> Table()
    {
        bool onePair = OnePair;
        var frame = Frame.FromRecords(Rows.Select(r => new
        {
            Row = onePair ? r.Method : $"{r.Pair}: {r.Method}",
            r.Model,
            r.Top1,
            r.Std,
            r.DeltaVsScratch,
            PVsScratch = Math.Round(r.PVsScratch, 3),
            r.PaperDelta,
            r.ParamsRatio,
            r.FlopsRatio,
            r.Seeds,
        })).IndexRows<string>("Row");
        foreach (var (from, to) in new[]
                 {
                     ("Top1", "top-1 (%)"), ("Std", "± std"), ("DeltaVsScratch", "Δ vs scratch"), ("PVsScratch", "p vs scratch (Welch)"),
                     ("PaperDelta", "paper Δ"),
                     ("ParamsRatio", "params ratio"), ("FlopsRatio", "FLOPs ratio"), ("Seeds", "seeds"),
                 })
            frame.RenameColumn(from, to);
        return frame;
    }

    /// <summary>
    /// One line per pair comparing the full method and the best single addition with the student from scratch and
    /// with the paper's gain, e.g. "fmnist-resnet20-resnet8: full method 71.2 % vs scratch 69.0 % (+2.2 points; paper: n/a)",
    /// and, where rows have several seeds, which rows differ from the scratch student at p &lt; <see cref="Alpha"/>
    /// (Welch's t-test over seeds) and which do not.
    /// </summary>
    public string Findings() =>
        string.Join("\n", Rows.GroupBy(r => r.Pair).Select(g =>
        {
            var byMethod = g.ToDictionary(r => r.Method);
            var full = byMethod[CrossLayerKd.Full];
            var best = g.Where(r => r.Method is not (CrossLayerKd.Teacher or CrossLayerKd.Scratch)).MaxBy(r => r.Top1)!;
            var paper = double.IsNaN(full.PaperDelta) ? "the paper has no number for this pair" : $"paper {full.PaperDelta:+0.00;-0.00;0.00} points";
            return $"{g.Key}: teacher {byMethod[CrossLayerKd.Teacher].Top1:0.00} %, student from scratch {byMethod[CrossLayerKd.Scratch].Top1:0.00} %, " +
                   $"full method {full.Top1:0.00} % ({full.DeltaVsScratch:+0.00;-0.00;0.00} points; {paper}); " +
                   $"best row: {best.Method} {best.Top1:0.00} % ({best.DeltaVsScratch:+0.00;-0.00;0.00}); {full.Seeds} seed(s)." +
                   Significance(g.ToList());
        }));

    static string Significance(List<Row> rows)
    {
        var tested = rows.Where(r => !double.IsNaN(r.PVsScratch)).ToList();
        if (tested.Count == 0) return " One seed per row: no significance test.";
        static string List(IEnumerable<Row> rs) =>
            rs.Any() ? string.Join(", ", rs.Select(r => $"{r.Method} ({r.DeltaVsScratch:+0.00;-0.00;0.00}, p = {r.PVsScratch:0.000})")) : "none";
        return $" Different from the student from scratch at p < {Alpha} (Welch's t-test over seeds): " +
               $"{List(tested.Where(r => r.PVsScratch < Alpha))}; not shown at this level: {List(tested.Where(r => r.PVsScratch >= Alpha))}.";
    }

    /// <summary>
    /// What the committed measurements show, whatever profile the notebook itself runs: for the cpu and cpu-full
    /// profiles, their setup, <see cref="Findings"/> and the verdict on each of the paper's claims, computed from the runs
    /// under notebooks/measured/ (an error naming what is missing when a checkout lacks them).
    /// </summary>
    public static string Measured() =>
        string.Join("\n\n", new[] { Profiles.Cpu, Profiles.CpuFull }.Select(profile =>
        {
            var setup = CrossLayerKd.Setup(profile);
            var store = CommittedStore(profile);
            var report = new CrossLayerKdReport(CrossLayerKd.LoadAll(setup, store));
            string images = setup.TrainImages is int train ? $"{train:N0} / {setup.TestImages:N0}" : "all";
            var verdicts = report.ClaimTests().GroupBy(c => c.Verdict)
                .Select(g => $"{g.Key}: {string.Join(", ", g.Select(c => $"{c.Statement} ({c.Difference:+0.00;-0.00;0.00}, p = {c.P:0.000})"))}");
            var runs = CrossLayerKd.Experiments(setup).Select(e => store.TryLoad(e)!).ToList();   // the store may hold other choices' runs too
            double hours = runs.Sum(r => r.Summary.TrainSeconds) / 3600;
            return $"{profile} profile ({images} train / test images, {setup.Epochs} epochs, stage 1 {setup.Stage1Epochs}, " +
                   $"{setup.Seeds.Count} seeds, {setup.EnsembleTeachers} teachers; {Path.GetFileName(store.Root)}: {runs.Count} runs, " +
                   $"{hours:0.0} hours of training by their own clocks): {report.Findings()} " +
                   $"The paper's claims - {string.Join("; ", verdicts)}.";
        }));

    /// <summary>A measured profile's committed store, or an error saying this checkout lacks it.</summary>
    internal static ResultStore CommittedStore(string profile) => CrossLayerKd.CommittedStore(profile)
        ?? throw new DirectoryNotFoundException($"The {profile} profile's committed runs ({ResultStore.MeasuredFolder}/{CrossLayerKd.MeasuredStoreOf(profile)}) are not in this checkout.");

    /// <summary>The paper's qualitative claims as row comparisons: statement, the row that should be ahead, the row behind.</summary>
    public static readonly IReadOnlyList<(string Statement, string Ahead, string Behind)> PaperClaims =
    [
        ("teacher ahead of the scratch student", CrossLayerKd.Teacher, CrossLayerKd.Scratch),
        ("full method beats scratch", CrossLayerKd.Full, CrossLayerKd.Scratch),
        ("cross-layer beats FSP", CrossLayerKd.CrossLayer, CrossLayerKd.Fsp),
        ("+ KL beats cross-layer alone", CrossLayerKd.PlusKl, CrossLayerKd.CrossLayer),
        ("ensemble beats one teacher's KL", CrossLayerKd.PlusEnsemble, CrossLayerKd.PlusKl),
        ("random weights beat plain mean", CrossLayerKd.Full, CrossLayerKd.PlusEnsemble),
    ];

    /// <summary>One claim tested on one pair: mean top-1 difference ahead - behind (points), Welch's p over seeds, verdict.</summary>
    public sealed record ClaimTest(string Pair, string Statement, double Difference, double P, string Verdict);

    /// <summary>
    /// Each of <see cref="PaperClaims"/> on each pair: "holds" (ahead, p &lt; <see cref="Alpha"/>), "same direction, not
    /// significant", "opposite direction, not significant", "contradicted" (behind, p &lt; alpha), or "one seed: not
    /// tested".
    /// </summary>
    public IReadOnlyList<ClaimTest> ClaimTests() =>
        results.GroupBy(r => r.Pair).SelectMany(g => PaperClaims.Select(c =>
        {
            var ahead = Top1s(g.Single(r => r.Method == c.Ahead));
            var behind = Top1s(g.Single(r => r.Method == c.Behind));
            double difference = ahead.Average() - behind.Average(), p = WelchP(ahead, behind);
            if (double.IsNaN(p)) return new ClaimTest(g.Key.Key, c.Statement, difference, p, "one seed: not tested");
            string verdict = (difference > 0, p < Alpha) switch
            {
                (true, true) => "holds",
                (true, false) => "same direction, not significant",
                (false, false) => "opposite direction, not significant",
                (false, true) => "contradicted",
            };
            return new ClaimTest(g.Key.Key, c.Statement, difference, p, verdict);
        })).ToList();

    /// <summary><see cref="ClaimTests"/> as a table indexed by claim (by "pair: claim" when there are several pairs).</summary>
    public Frame<string, string> Claims()
    {
        bool onePair = OnePair;
        var frame = Frame.FromRecords(ClaimTests().Select(c => new
        {
            Claim = onePair ? c.Statement : $"{c.Pair}: {c.Statement}",
            Difference = Math.Round(c.Difference, 2),
            P = Math.Round(c.P, 3),
            c.Verdict,
        })).IndexRows<string>("Claim");
        frame.RenameColumn("Difference", "Δ top-1 (points)");
        frame.RenameColumn("P", "p (Welch)");
        frame.RenameColumn("Verdict", "verdict");
        return frame;
    }

    /// <summary>Test top-1 (%) per epoch of each method's final stage, averaged over seeds; one line per method and pair.</summary>
    public GenericChart Curves()
    {
        bool onePair = OnePair;
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
    public GenericChart CompressionChart()
    {
        var points = Rows.GroupBy(r => r.Method).Select(g =>
            Chart.Point<double, double, string>(g.Select(r => r.ParamsRatio), g.Select(r => r.Top1), Name: g.Key,
                MultiText: g.Select(r => r.Pair).ToArray()));
        return Chart.Combine(points)
            .WithXAxisStyle<double, double, string>(TitleText: "compression: teacher params / model params")
            .WithYAxisStyle<double, double, string>(TitleText: "test top-1 (%)");
    }
}
