using Deedle;

namespace Distill.Reporting;

/// <summary>
/// Teacher vs student in the terms compression papers use: parameters, fp32 size, MACs (their "FLOPs") and FLOPs,
/// each with the ratio teacher / student ("2.08x compression rate, 3.5x computation rate").
/// A side may be several models run together (e.g. the three CoViAR streams); their counts add up.
/// </summary>
public static class ModelComparison
{
    /// <summary>One compared quantity.</summary>
    public sealed record Row(string Quantity, double Teacher, double Student, double Ratio);

    /// <summary>Params, Size (MB), MACs, FLOPs of both sides and their ratio.</summary>
    public static IReadOnlyList<Row> Rows(IReadOnlyList<ModelSummary> teacher, IReadOnlyList<ModelSummary> student)
    {
        if (teacher.Count == 0 || student.Count == 0)
            throw new ArgumentException("Both sides of a comparison need at least one model.");
        Row Make(string quantity, Func<ModelSummary, double> of)
        {
            double t = teacher.Sum(of), s = student.Sum(of);
            return new Row(quantity, t, s, t / s);
        }
        return
        [
            Make("Params", m => m.Params),
            Make("Size (MB)", m => m.SizeMB),
            Make("MACs", m => m.Macs),
            Make("FLOPs", m => m.Flops),
        ];
    }

    /// <summary>The ratio view as a frame: rows Params / Size (MB) / MACs / FLOPs, columns named after the two sides and "ratio".</summary>
    public static Frame<string, string> Ratios(IReadOnlyList<ModelSummary> teacher, IReadOnlyList<ModelSummary> student)
    {
        var frame = Frame.FromRecords(Rows(teacher, student)).IndexRows<string>(nameof(Row.Quantity));
        frame.RenameColumn(nameof(Row.Teacher), Label(teacher));
        frame.RenameColumn(nameof(Row.Student), Label(student) == Label(teacher) ? Label(student) + " (student)" : Label(student));
        frame.RenameColumn(nameof(Row.Ratio), "ratio");
        return frame;
    }

    /// <summary>One row per model: Params, Size (MB), MACs, FLOPs.</summary>
    public static Frame<string, string> Totals(IEnumerable<ModelSummary> models) =>
        Frame.FromRecords(models.Select(m => new { Model = m.Model, Input = string.Join("x", m.Input), m.Params, SizeMB = m.SizeMB, MACs = m.Macs, FLOPs = m.Flops }))
            .IndexRows<string>("Model");

    static string Label(IReadOnlyList<ModelSummary> side) => string.Join(" + ", side.Select(m => m.Model));
}
