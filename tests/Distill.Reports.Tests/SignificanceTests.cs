using Distill.Experiments;
using Distill.Experiments.Papers;
using Distill.Reporting;

namespace Distill.Reports.Tests;

/// <summary>The cross-layer report's significance column and sentence, on the committed cpu and cpu-full runs (3 seeds a row).</summary>
public class SignificanceTests
{
    public SignificanceTests() => Distill.Runtime.TorchRuntime.Initialize(seed: 0, quiet: true);

    [Fact]
    public void EachRowIsTestedAgainstTheScratchStudentsSeeds()
    {
        var repo = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(repo.FullName, "Notebooks.sln"))) repo = repo.Parent ?? throw new DirectoryNotFoundException("no Notebooks.sln above the test binaries");
        var store = new ResultStore(Path.Combine(repo.FullName, ResultStore.MeasuredFolder, CrossLayerKd.MeasuredStore));
        var setup = CrossLayerKd.Setup(Profiles.Cpu);
        var results = CrossLayerKd.LoadAll(setup, store);
        var report = new CrossLayerKdReport(results);

        static List<double> Top1(CrossLayerKd.RowResult r) => r.Runs.Select(x => 100 * x.Summary.TestTop1).ToList();
        var scratch = Top1(results.Single(r => r.Method == CrossLayerKd.Scratch));
        foreach (var row in report.Rows)
        {
            if (row.Method == CrossLayerKd.Scratch) { Assert.True(double.IsNaN(row.PVsScratch)); continue; }
            var p = WelchTest.Of(Top1(results.Single(r => r.Method == row.Method)), scratch).P;
            Assert.Equal(p, row.PVsScratch, 12);
            Assert.InRange(row.PVsScratch, 0, 1);
        }
        // cpu profile: teacher 88.18 +- 0.57 vs scratch 87.01 +- 0.81 over 3 seeds, not significant
        Assert.InRange(report.Rows.Single(r => r.Method == CrossLayerKd.Teacher).PVsScratch, 0.05, 1);
        var findings = report.Findings();
        Assert.Contains("Welch's t-test over seeds", findings);
        Assert.Contains("teacher (+1.17, p = ", findings);
        Assert.Contains(report.Table().ColumnKeys, k => k == "p vs scratch (Welch)");

        // the paper's claims, each a Welch test between two rows' seeds
        var claims = report.ClaimTests();
        Assert.Equal(CrossLayerKdReport.PaperClaims.Count, claims.Count);
        foreach (var (claim, (_, ahead, behind)) in claims.Zip(CrossLayerKdReport.PaperClaims))
        {
            var a = Top1(results.Single(r => r.Method == ahead));
            var b = Top1(results.Single(r => r.Method == behind));
            Assert.Equal(a.Average() - b.Average(), claim.Difference, 9);
            Assert.Equal(WelchTest.Of(a, b).P, claim.P, 12);
            var expected = claim.Difference > 0
                ? (claim.P < CrossLayerKdReport.Alpha ? "holds" : "same direction, not significant")
                : (claim.P < CrossLayerKdReport.Alpha ? "contradicted" : "opposite direction, not significant");
            Assert.Equal(expected, claim.Verdict);
        }
        Assert.Equal("same direction, not significant", claims[0].Verdict);   // teacher 88.18 vs scratch 87.01
        Assert.Equal(claims.Select(c => c.Statement), report.Claims().RowKeys);

        // What the notebook says of the committed measurements, whatever profile it runs: computed from these runs.
        var measured = CrossLayerKdReport.Measured();
        Assert.StartsWith("cpu profile (10,240 / 5,000 train / test images, 10 epochs, stage 1 4, 3 seeds, 3 teachers; 02-cross-layer-kd: 30 runs, 1.4 hours of training by their own clocks): ", measured);
        Assert.Contains(findings, measured);
        Assert.Contains($"same direction, not significant: teacher ahead of the scratch student (+1.17, p = {claims[0].P:0.000})", measured);
        foreach (var claim in claims) Assert.Contains($"{claim.Statement} ({claim.Difference:+0.00;-0.00;0.00}, p = {claim.P:0.000})", measured);

        // The cpu-full runs (all 60,000 / 10,000 images): there the teacher is ahead of scratch and the claim holds.
        var full = CrossLayerKd.LoadAll(CrossLayerKd.Setup(Profiles.CpuFull), CrossLayerKd.CommittedStore(Profiles.CpuFull)!);
        var fullReport = new CrossLayerKdReport(full);
        var teacherClaim = fullReport.ClaimTests()[0];
        Assert.Equal("holds", teacherClaim.Verdict);   // teacher 94.01 vs scratch 92.55 over 3 seeds
        Assert.Contains("\n\ncpu-full profile (all train / test images, 15 epochs, stage 1 5, 3 seeds, 3 teachers; 02-cross-layer-kd-full: 30 runs, 11.0 hours of training by their own clocks): " + fullReport.Findings(), measured);
        Assert.Contains($"holds: teacher ahead of the scratch student ({teacherClaim.Difference:+0.00}, p = {teacherClaim.P:0.000})", measured);
    }
}
