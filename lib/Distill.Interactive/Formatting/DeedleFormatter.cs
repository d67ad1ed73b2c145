using System.Collections;
using System.Reflection;
using System.Text;
using Microsoft.DotNet.Interactive.Formatting;

namespace Distill.Interactive.Formatting;

/// <summary>
/// Deedle frames and series as HTML tables (Deedle.Interactive, which does this for F#, is not on our package feed): row
/// keys as the index column, numbers by <see cref="CellText.Number"/>, missing values as "N/A", at most
/// <see cref="MaxRows"/> rows (head and tail around a "..." row) and <see cref="MaxColumns"/> columns; text/plain is
/// Deedle's own Format(). Registered for the open generic types, so every Frame&lt;R, C&gt; and Series&lt;K, V&gt; gets it.
/// </summary>
static class DeedleFormatter
{
    public const int MaxRows = 20, HeadRows = 15, MaxColumns = 20;

    public static void Register()
    {
        foreach (var type in new[] { typeof(Deedle.Frame<,>), typeof(Deedle.Series<,>) })
        {
            Formatter.Register(type, (value, writer) => writer.Write(Html(value)), HtmlFormatter.MimeType);
            Formatter.Register(type, (value, writer) => writer.Write(PlainText(value)), PlainTextFormatter.MimeType);
            Formatter.SetPreferredMimeTypesFor(type, HtmlFormatter.MimeType, PlainTextFormatter.MimeType);
        }
    }

    public static string Html(object value) => IsGeneric(value.GetType(), typeof(Deedle.Frame<,>)) ? Frame(value) : Series(value);

    static string Frame(object frame)
    {
        int rows = (int)Get(frame, "RowCount")!, columns = (int)Get(frame, "ColumnCount")!;
        var rowKeys = ((IEnumerable)Get(frame, "RowKeys")!).Cast<object>().ToList();
        var columnKeys = ((IEnumerable)Get(frame, "ColumnKeys")!).Cast<object>().Take(MaxColumns).ToList();
        var getColumnAt = frame.GetType().GetMethods().First(m => m.Name == "GetColumnAt" && m.IsGenericMethodDefinition).MakeGenericMethod(typeof(object));
        var cells = columnKeys.Select((_, c) => getColumnAt.Invoke(frame, [c])!).ToList();
        var html = new StringBuilder("<table class=\"dataframe\">\n<thead><tr><th></th>");
        foreach (var key in columnKeys) html.Append("<th>").Append(CellText.Encode(CellText.Number(key))).Append("</th>");
        html.Append("</tr></thead>\n<tbody>\n");
        foreach (var r in ShownRows(rows))
        {
            if (r < 0) { html.Append("<tr><td>...</td>").Append(string.Concat(Enumerable.Repeat("<td>...</td>", columnKeys.Count))).Append("</tr>\n"); continue; }
            html.Append("<tr><th>").Append(CellText.Encode(CellText.Number(rowKeys[r]))).Append("</th>");
            foreach (var column in cells) html.Append("<td>").Append(CellText.Encode(At(column, r))).Append("</td>");
            html.Append("</tr>\n");
        }
        html.Append("</tbody>\n</table>\n");
        html.Append($"<p class=\"dataframe-shape\">{rows} rows × {columns} columns{(columns > MaxColumns ? $" (first {MaxColumns} shown)" : "")}</p>");
        return html.ToString();
    }

    static string Series(object series)
    {
        var keys = ((IEnumerable)Get(series, "Keys")!).Cast<object>().ToList();
        var html = new StringBuilder("<table class=\"dataframe\">\n<tbody>\n");
        foreach (var r in ShownRows(keys.Count))
            html.Append(r < 0 ? "<tr><th>...</th><td>...</td></tr>\n"
                : $"<tr><th>{CellText.Encode(CellText.Number(keys[r]))}</th><td>{CellText.Encode(At(series, r))}</td></tr>\n");
        html.Append("</tbody>\n</table>\n").Append($"<p class=\"dataframe-shape\">{keys.Count} values</p>");
        return html.ToString();
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
        return (bool)Get(optional, "HasValue")! ? CellText.Number(Get(optional, "Value")) : "N/A";
    }

    static string PlainText(object value) =>
        value.GetType().GetMethod("Format", Type.EmptyTypes)?.Invoke(value, null) as string ?? value.ToString() ?? "";

    static object? Get(object target, string property) =>
        target.GetType().GetProperty(property, BindingFlags.Public | BindingFlags.Instance)?.GetValue(target);

    static bool IsGeneric(Type? type, Type definition)
    {
        for (; type is not null; type = type.BaseType)
            if (type.IsGenericType && type.GetGenericTypeDefinition() == definition) return true;
        return false;
    }
}
