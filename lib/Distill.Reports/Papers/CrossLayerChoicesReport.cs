using Deedle;
using Distill.Experiments;
using Distill.Experiments.Papers;
using Microsoft.FSharp.Core;
using Plotly.NET;
using Plotly.NET.CSharp;
using Chart = Plotly.NET.CSharp.Chart;
using Frame = Deedle.Frame;

namespace Distill.Reports;

/// <summary>
/// Notebook 02's open method choices measured: each of <see cref="CrossLayerKd.MeasuredAlternatives"/> against the
/// defaults, on the rows whose runs it changes, every run read from one store (so both sides come from the same code).
/// </summary>
public sealed class CrossLayerChoicesReport
{
    /// <summary>One row changed by one choice: top-1 (%) mean and sample std over seeds with the default and with the
    /// alternative, their difference (alternative - default, points) and Welch's two-sided p (NaN with one seed).</summary>
    public sealed record Row(string Parameter, string Value, string Pair, string Method, double Default, double DefaultStd,
        double Alternative, double AlternativeStd, double Difference, double P, int Seeds)
    {
        /// <summary>The choice as the notebook parameter states it, e.g. "GramLayers = stages".</summary>
        public string Choice => $"{Parameter} = {Value}";
    }

    /// <summary>The compared rows, choice by choice in <see cref="CrossLayerKd.MeasuredAlternatives"/> order, rows in the paper's order.</summary>
    public IReadOnlyList<Row> Rows { get; }

    CrossLayerChoicesReport(IReadOnlyList<Row> rows) => Rows = rows;

    /// <summary>The cpu profile's measured choices, from its committed store (an error naming what is missing).</summary>
    public static CrossLayerChoicesReport Measured() =>
        Of(CrossLayerKd.Setup(Profiles.Cpu), CrossLayerKdReport.CommittedStore(Profiles.Cpu));

    /// <summary>
    /// Every alternative of <see cref="CrossLayerKd.MeasuredAlternatives"/> applied to <paramref name="setup"/>: the rows
    /// whose final run is another config than the default's (rows the choice leaves alone are not repeated), read from
    /// <paramref name="store"/>, which must hold the default's runs and every alternative's.
    /// </summary>
    public static CrossLayerChoicesReport Of(CrossLayerSetup setup, ResultStore store)
    {
        var defaults = CrossLayerKd.LoadAll(setup, store);
        int seed = setup.Seeds[0];   // a row's configs differ for every seed or for none
        var rows = new List<Row>();
        foreach (var (parameter, value) in CrossLayerKd.MeasuredAlternatives)
        {
            var chosen = setup.With(parameter, value);
            var alternative = CrossLayerKd.LoadAll(chosen, store);
            foreach (var (before, after) in defaults.Zip(alternative))
            {
                if (CrossLayerKd.Row(setup, before.Pair, before.Method, seed)[^1].Hash == CrossLayerKd.Row(chosen, after.Pair, after.Method, seed)[^1].Hash)
                    continue;
                var a = CrossLayerKdReport.Top1s(before);
                var b = CrossLayerKdReport.Top1s(after);
                var (mean, std) = SeedAggregate.MeanStd(a);
                var (altMean, altStd) = SeedAggregate.MeanStd(b);
                rows.Add(new Row(parameter, value, before.Pair.Key, before.Method, mean, std, altMean, altStd,
                    altMean - mean, CrossLayerKdReport.WelchP(b, a), Math.Min(a.Count, b.Count)));
            }
        }
        return new CrossLayerChoicesReport(rows);
    }

    bool OnePair => Rows.Select(r => r.Pair).Distinct().Count() <= 1;

    string Label(Row r) => OnePair ? r.Method : $"{r.Pair}: {r.Method}";

    /// <summary>The comparison as a table indexed by "choice: row".</summary>
    public Frame<string, string> Table()
    {
        var frame = Frame.FromRecords(Rows.Select(r => new
        {
            Key = $"{r.Choice}: {Label(r)}",
            Default = $"{r.Default:0.00} ± {r.DefaultStd:0.00}",
            Alternative = $"{r.Alternative:0.00} ± {r.AlternativeStd:0.00}",
            Difference = Math.Round(r.Difference, 2),
            P = Math.Round(r.P, 3),
            r.Seeds,
        })).IndexRows<string>("Key");
        foreach (var (from, to) in new[]
                 {
                     ("Default", "default top-1 (%)"), ("Alternative", "alternative top-1 (%)"),
                     ("Difference", "Δ (alternative - default)"), ("P", "p (Welch)"), ("Seeds", "seeds"),
                 })
            frame.RenameColumn(from, to);
        return frame;
    }

    /// <summary>
    /// The difference each choice makes to each row it changes, with error bars of one standard error of the difference
    /// (sqrt(s_a^2/n_a + s_d^2/n_d)): one marker series per choice.
    /// </summary>
    public GenericChart Differences()
    {
        var series = Rows.GroupBy(r => r.Choice).Select(g =>
        {
            var errors = g.Select(r => Math.Round(Math.Sqrt((r.DefaultStd * r.DefaultStd + r.AlternativeStd * r.AlternativeStd) / r.Seeds), 3)).ToArray();
            var points = Chart.Point<string, double, string>(g.Select(Label), g.Select(r => Math.Round(r.Difference, 2)), Name: g.Key);
            return Plotly.NET.Chart.withYErrorStyle<double, double>(   // F# options without defaults: null is None
                null, null, null, FSharpOption<IEnumerable<double>>.Some(errors), null, null, null, null, null, null, null, null, null).Invoke(points);
        });
        var sideBySide = new Layout();
        sideBySide.SetProperty("scattermode", "group");   // each row's choices next to each other, not on one vertical
        return Plotly.NET.Chart.withLayout(sideBySide).Invoke(Chart.Combine(series))
            .WithXAxisStyle<string, string, string>(TitleText: "row")
            .WithYAxisStyle<double, double, string>(TitleText: "Δ top-1, alternative - default (points)");
    }

    /// <summary>
    /// What the comparison shows: per choice, the rows it moves at p &lt; <see cref="CrossLayerKdReport.Alpha"/> and the
    /// largest move; how many of the comparisons would fall below alpha by chance alone; and whether any default is
    /// measured worse than its alternative.
    /// </summary>
    public string Findings()
    {
        if (Rows.Count == 0) return "No choice changes a row of this setup.";
        if (Rows.All(r => double.IsNaN(r.P)))
            return "One seed per row: the choices are not tested. " + string.Join(" ", Rows.GroupBy(r => r.Choice).Select(g =>
                $"{g.Key} moves {g.Count()} row(s) by {g.Min(r => r.Difference):+0.00;-0.00;0.00} to {g.Max(r => r.Difference):+0.00;-0.00;0.00} points."));
        static string Move(Row r) => $"{r.Method} {r.Difference:+0.00;-0.00;0.00} (p = {r.P:0.000})";
        var perChoice = Rows.GroupBy(r => r.Choice).Select(g =>
        {
            var significant = g.Where(r => r.P < CrossLayerKdReport.Alpha).ToList();
            var largest = g.MaxBy(r => Math.Abs(r.Difference))!;
            return $"{g.Key} changes {g.Count()} row(s); largest move {Move(largest)}; at p < {CrossLayerKdReport.Alpha}: " +
                   (significant.Count == 0 ? "none" : string.Join(", ", significant.Select(Move))) + ".";
        });
        var better = Rows.Where(r => r.P < CrossLayerKdReport.Alpha && r.Difference > 0).ToList();
        string verdict = better.Count == 0
            ? "No alternative is measured better than the default on any row, so the defaults (the reference implementations' choices) stand."
            : $"Measured better than the default: {string.Join(", ", better.Select(r => $"{r.Choice} on {r.Method}"))}.";
        int tested = Rows.Count(r => !double.IsNaN(r.P));
        string chance = $"Of {tested} comparisons at p < {CrossLayerKdReport.Alpha}, about {tested * CrossLayerKdReport.Alpha:0.0} would fall below " +
                        $"it by chance alone; {Rows.Count(r => r.P < CrossLayerKdReport.Alpha)} did.";
        return string.Join(" ", perChoice) + " " + chance + " " + verdict;
    }
}
