using System.Collections;
using System.Text;
using Notebooks.Host.Notebook;

namespace Notebooks.Host.Formatting;

/// <summary>
/// Deedle frames and series as HTML tables: row keys as the index column, numbers formatted by
/// <see cref="Formatter.Number"/>, missing values as "N/A", at most <see cref="MaxRows"/> rows (head and tail around
/// a "..." row) and <see cref="MaxColumns"/> columns. text/plain is Deedle's own Format().
/// </summary>
public static class DeedleFormatter
{
    public const int MaxRows = 20, HeadRows = 15, MaxColumns = 20;

    public static MimeBundle? TryFormat(object value)
    {
        if (Reflect.FindBase(value.GetType(), "Deedle.Frame`2") is not null) return Frame(value);
        if (Reflect.FindBase(value.GetType(), "Deedle.Series`2") is not null) return Series(value);
        return null;
    }

    static MimeBundle Frame(object frame)
    {
        int rows = (int)Reflect.Get(frame, "RowCount")!, columns = (int)Reflect.Get(frame, "ColumnCount")!;
        var rowKeys = ((IEnumerable)Reflect.Get(frame, "RowKeys")!).Cast<object>().ToList();
        var columnKeys = ((IEnumerable)Reflect.Get(frame, "ColumnKeys")!).Cast<object>().Take(MaxColumns).ToList();
        var getColumnAt = frame.GetType().GetMethods().First(m => m.Name == "GetColumnAt" && m.IsGenericMethodDefinition).MakeGenericMethod(typeof(object));
        var cells = columnKeys.Select((_, c) => getColumnAt.Invoke(frame, [c])!).ToList();
        var html = new StringBuilder("<table class=\"dataframe\">\n<thead><tr><th></th>");
        foreach (var key in columnKeys) html.Append("<th>").Append(Formatter.Encode(Formatter.Number(key))).Append("</th>");
        html.Append("</tr></thead>\n<tbody>\n");
        foreach (var r in ShownRows(rows))
        {
            if (r < 0) { html.Append("<tr><td>...</td>").Append(string.Concat(Enumerable.Repeat("<td>...</td>", columnKeys.Count))).Append("</tr>\n"); continue; }
            html.Append("<tr><th>").Append(Formatter.Encode(Formatter.Number(rowKeys[r]))).Append("</th>");
            foreach (var column in cells) html.Append("<td>").Append(Formatter.Encode(At(column, r))).Append("</td>");
            html.Append("</tr>\n");
        }
        html.Append("</tbody>\n</table>\n");
        html.Append($"<p class=\"dataframe-shape\">{rows} rows × {columns} columns{(columns > MaxColumns ? $" (first {MaxColumns} shown)" : "")}</p>");
        return new MimeBundle { [MimeBundle.Html] = html.ToString(), [MimeBundle.Plain] = PlainText(frame) };
    }

    static MimeBundle Series(object series)
    {
        var keys = ((IEnumerable)Reflect.Get(series, "Keys")!).Cast<object>().ToList();
        var html = new StringBuilder("<table class=\"dataframe\">\n<tbody>\n");
        foreach (var r in ShownRows(keys.Count))
            html.Append(r < 0 ? "<tr><th>...</th><td>...</td></tr>\n"
                : $"<tr><th>{Formatter.Encode(Formatter.Number(keys[r]))}</th><td>{Formatter.Encode(At(series, r))}</td></tr>\n");
        html.Append("</tbody>\n</table>\n").Append($"<p class=\"dataframe-shape\">{keys.Count} values</p>");
        return new MimeBundle { [MimeBundle.Html] = html.ToString(), [MimeBundle.Plain] = PlainText(series) };
    }

    /// <summary>Row indices to show; -1 marks the elided middle.</summary>
    public static IEnumerable<int> ShownRows(int count)
    {
        if (count <= MaxRows) return Enumerable.Range(0, count);
        int tail = MaxRows - HeadRows;
        return Enumerable.Range(0, HeadRows).Append(-1).Concat(Enumerable.Range(count - tail, tail));
    }

    static string At(object series, int index)
    {
        var optional = series.GetType().GetMethod("TryGetAt", [typeof(int)])!.Invoke(series, [index])!;
        return (bool)Reflect.Get(optional, "HasValue")! ? Formatter.Number(Reflect.Get(optional, "Value")) : "N/A";
    }

    static string PlainText(object value) =>
        value.GetType().GetMethod("Format", Type.EmptyTypes)?.Invoke(value, null) as string ?? value.ToString() ?? "";
}
