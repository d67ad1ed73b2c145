using Deedle;
using Distill.Reporting;

namespace Distill.Reports;

/// <summary>
/// Model costs as tables: a model's layers (<see cref="ModelSummary"/>), teacher vs student in the terms compression
/// papers use (parameters, fp32 size, MACs, their "FLOPs", and FLOPs, each with the ratio teacher / student, "2.08x
/// compression rate, 3.5x computation rate"), and the papers' stated ratios next to the measured ones
/// (<see cref="Distill.Reporting.PaperRatios"/>).
/// </summary>
public static class ModelTables
{
    /// <summary>One row per layer plus a final "total" row: Layer, Type, Input, Output, Params, MACs, FLOPs.</summary>
    public static Frame<int, string> Layers(ModelSummary summary)
    {
        var rows = summary.Layers.Append(new LayerCost(summary.Layers.Count, "total", "", string.Join("x", summary.Input),
            summary.Layers.Count > 0 ? summary.Layers[^1].Output : "", summary.Params, summary.Macs, summary.Flops));
        return Frame.FromRecords(rows).IndexRows<int>(nameof(LayerCost.Index));
    }

    /// <summary>One compared quantity.</summary>
    public sealed record Row(string Quantity, double Teacher, double Student, double Ratio);

    /// <summary>
    /// Teacher vs student: rows Params / Size (MB) / MACs / FLOPs, columns named after the two sides and "ratio"
    /// (teacher / student). A side may be several models run together (e.g. the three CoViAR streams); their counts add up.
    /// </summary>
    public static Frame<string, string> Compare(IReadOnlyList<ModelSummary> teacher, IReadOnlyList<ModelSummary> student)
    {
        if (teacher.Count == 0 || student.Count == 0)
            throw new ArgumentException("Both sides of a comparison need at least one model.");
        Row Make(string quantity, Func<ModelSummary, double> of)
        {
            double t = teacher.Sum(of), s = student.Sum(of);
            return new Row(quantity, t, s, t / s);
        }
        Row[] rows = [Make("Params", m => m.Params), Make("Size (MB)", m => m.SizeMB), Make("MACs", m => m.Macs), Make("FLOPs", m => m.Flops)];
        var frame = Frame.FromRecords(rows).IndexRows<string>(nameof(Row.Quantity));
        frame.RenameColumn(nameof(Row.Teacher), Label(teacher));
        frame.RenameColumn(nameof(Row.Student), Label(student) == Label(teacher) ? Label(student) + " (student)" : Label(student));
        frame.RenameColumn(nameof(Row.Ratio), "ratio");
        return frame;
    }

    /// <summary>Every claim of <see cref="Distill.Reporting.PaperRatios"/> measured, as a frame indexed by pair (stated vs
    /// measured ratios to 3 decimals, sizes in MB to 1).</summary>
    public static Frame<string, string> PaperRatios() =>
        Frame.FromRecords(Distill.Reporting.PaperRatios.Claims.Select(Distill.Reporting.PaperRatios.Measure).Select(r => r with
        {
            MeasuredParams = Math.Round(r.MeasuredParams, 3),
            MeasuredCompute = Math.Round(r.MeasuredCompute, 3),
            TeacherMB = Math.Round(r.TeacherMB, 1),
            StudentMB = Math.Round(r.StudentMB, 1),
        })).IndexRows<string>(nameof(Distill.Reporting.PaperRatios.Row.Pair));

    static string Label(IReadOnlyList<ModelSummary> side) => string.Join(" + ", side.Select(m => m.Model));
}
