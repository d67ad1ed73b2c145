using Distill.Experiments;
using Distill.Experiments.Papers;
using Distill.Reporting;

namespace Distill.Reports.Tests;

/// <summary>Notebook 02's "Method choices" table, on the committed cpu runs: each alternative against the defaults.</summary>
public class MethodChoicesTests
{
    public MethodChoicesTests() => Distill.Runtime.TorchRuntime.Initialize(seed: 0, quiet: true);

    [Fact]
    public void EachAlternativeIsComparedWithTheDefaultsOnTheRowsItChanges()
    {
        var report = CrossLayerChoicesReport.Measured();
        var cpu = CrossLayerKd.Setup(Profiles.Cpu);
        var store = CrossLayerKd.CommittedStore(Profiles.Cpu)!;
        var defaults = CrossLayerKd.LoadAll(cpu, store);
        static List<double> Top1(CrossLayerKd.RowResult r) => r.Runs.Select(x => 100 * x.Summary.TestTop1).ToList();

        // stem or not: the Gram rows (FSP, cross-layer, + KL, + ensemble, full); non-adjacent pairs: the cross-layer rows; T: the KL rows
        Assert.Equal(["GramLayers = stages", "CrossLayerPairs = non-adjacent", "OfflineKlTemperature = 1"], report.Rows.Select(r => r.Choice).Distinct());
        Assert.Equal([5, 4, 3], report.Rows.GroupBy(r => r.Choice).Select(g => g.Count()));
        Assert.Equal(CrossLayerKd.Methods.Skip(3), report.Rows.Where(r => r.Parameter == CrossLayerKd.GramLayers).Select(r => r.Method));
        foreach (var row in report.Rows)
        {
            var before = Top1(defaults.Single(r => r.Method == row.Method));
            var after = Top1(CrossLayerKd.LoadAll(cpu.With(row.Parameter, row.Value), store).Single(r => r.Method == row.Method));
            Assert.Equal((3, 3, 3), (before.Count, after.Count, row.Seeds));
            Assert.Equal(before.Average(), row.Default, 9);
            Assert.Equal(after.Average(), row.Alternative, 9);
            Assert.Equal(after.Average() - before.Average(), row.Difference, 9);
            Assert.Equal(WelchTest.Of(after, before).P, row.P, 12);
            Assert.NotEqual(before, after);   // other runs, not the defaults read twice
        }
        Assert.Equal(report.Rows.Select(r => $"{r.Choice}: {r.Method}"), report.Table().RowKeys);

        var findings = report.Findings();
        Assert.StartsWith("GramLayers = stages changes 5 row(s); largest move ", findings);
        var largest = report.Rows.Where(r => r.Parameter == CrossLayerKd.OfflineKlTemperature).MaxBy(r => Math.Abs(r.Difference))!;
        Assert.Contains($"OfflineKlTemperature = 1 changes 3 row(s); largest move {largest.Method} {largest.Difference:+0.00;-0.00;0.00} (p = {largest.P:0.000})", findings);
        Assert.Contains($"Of 12 comparisons at p < 0.05, about 0.6 would fall below it by chance alone; {report.Rows.Count(r => r.P < 0.05)} did.", findings);
        bool anyBetter = report.Rows.Any(r => r.P < CrossLayerKdReport.Alpha && r.Difference > 0);
        Assert.Equal(!anyBetter, findings.EndsWith("so the defaults (the reference implementations' choices) stand.", StringComparison.Ordinal));
    }
}
