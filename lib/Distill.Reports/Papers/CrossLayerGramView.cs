using Distill.Experiments;
using Distill.Experiments.Papers;
using Distill.Losses;
using Distill.Models;
using Plotly.NET;
using static TorchSharp.torch;
using Chart = Plotly.NET.CSharp.Chart;

namespace Distill.Reports;

/// <summary>
/// The Gram matrices shown in the cross-layer KD notebook, batch-averaged: G^{first,last} of the teacher, the student
/// from scratch and the student after the cross-layer stage 1, with each student's mean squared distance to the
/// teacher's (NaN when channel counts differ). <see cref="Heatmaps"/> draws them side by side.
/// </summary>
public sealed record CrossLayerGramView(LayerPair Stages, double[][] Teacher, double[][] Scratch, double[][] CrossLayer,
    double ScratchDistance, double CrossLayerDistance)
{
    /// <summary>
    /// G^{0,last} of the teacher (seed 0), the student from scratch and the student after the cross-layer stage 1 (first
    /// seed), averaged over the first <paramref name="images"/> test images: what the Gram loss asks the student to copy.
    /// The stage-1 student's raw stage maps are used (its 1x1 adaptations are not part of the student); when channel
    /// counts differ the student's matrix is smaller and the distances are not reported (NaN).
    /// </summary>
    public static CrossLayerGramView Of(CrossLayerSetup setup, CrossLayerPair pair, ExperimentRunner runner, int images = 64)
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
            return new CrossLayerGramView(stages, t, s, c, Distance(t, s), Distance(t, c));
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
    public GenericChart Heatmaps() =>
        Chart.Grid(
            [Heatmap(Teacher), Heatmap(Scratch), Heatmap(CrossLayer)], 1, 3,
            SubPlotTitles: new[]
            {
                $"teacher G{Stages}",
                $"student from scratch (MSE {ScratchDistance:0.####})",
                $"student after cross-layer stage 1 (MSE {CrossLayerDistance:0.####})",
            });

    static GenericChart Heatmap(double[][] matrix) =>
        Chart.Heatmap<double, int, int, string>(matrix, ShowScale: false);
}
