using System.Text;
using Markdig;
using System.Net;
using System.Text.Json.Nodes;
using Notebooks.Host.Notebook;
using Notebooks.Host.Parameters;
using Notebooks.Host.Run;

namespace Notebooks.Host.Report;

/// <summary>
/// A self-contained HTML report of an executed notebook: markdown rendered (Markdig: headings, emphasis, code,
/// lists, pipe tables, links; $math$ kept as text), code with its execution count and duration, every output in its
/// richest form, the run's provenance at the top, and plotly.js inlined once in the head when any chart is present, so
/// the page opens offline. Charts are Plotly.NET.Interactive's: a div and a script asking require.js for plotly from a
/// CDN; the page answers that request with the inlined plotly.js, so nothing is fetched.
/// </summary>
public static class HtmlReport
{
    static readonly MarkdownPipeline Markdown = new MarkdownPipelineBuilder().UseAdvancedExtensions().Build();

    const string Style = """
        body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #1f2328; }
        .cell { margin: 1em 0; }
        .prompt { color: #57606a; font: 12px monospace; }
        pre { background: #f6f8fa; padding: .6em; overflow-x: auto; font-size: 13px; }
        pre.code { border-left: 3px solid #0969da; }
        .parameters pre.code { border-left-color: #bf8700; }
        pre.stderr, pre.error { background: #ffebe9; color: #82071e; }
        table.dataframe { border-collapse: collapse; font-size: 13px; }
        table.dataframe th, table.dataframe td { border: 1px solid #d0d7de; padding: 2px 8px; text-align: right; }
        .markdown table { border-collapse: collapse; } .markdown th, .markdown td { border: 1px solid #d0d7de; padding: 2px 8px; }
        .status-failed { color: #82071e; font-weight: bold; }
        table.provenance { font-size: 12px; color: #57606a; border-collapse: collapse; margin-bottom: 1.5em; }
        table.provenance th { text-align: left; padding-right: 1em; font-weight: normal; }
        """;

    /// <summary>What a Plotly.NET.Interactive chart calls: require.js's config and require, answered with the inlined plotly.js.</summary>
    const string RequireShim = """
        function requirejs(modules, ready) { ready(window.Plotly); }
        requirejs.config = function () { return requirejs; };
        var require = requirejs;
        """;

    /// <summary>True when <paramref name="html"/> draws a Plotly chart.</summary>
    public static bool IsChart(string html) => html.Contains("Plotly.newPlot", StringComparison.Ordinal);

    public static string Render(Notebook.Notebook notebook, string title)
    {
        var outputs = notebook.Cells.SelectMany(c => c.Outputs).ToList();
        bool charts = outputs.OfType<DisplayOutput>().Any(o => o.Data.TryGetValue(MimeBundle.Html, out var h) && IsChart(h));
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
            .Append("<title>").Append(Encode(title)).Append("</title>\n<style>\n").Append(Style).Append("\n</style>\n");
        if (charts)
            html.Append($"<script type=\"text/javascript\" data-plotly-version=\"{PlotlyJs.Version}\">\n")
                .Append(PlotlyJs.Script.Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase)).Append("\n</script>\n")
                .Append("<script type=\"text/javascript\">\n").Append(RequireShim).Append("</script>\n");
        html.Append("</head>\n<body>\n");
        var errors = outputs.OfType<ErrorOutput>().ToList();
        if (errors.Any(e => e.Name == NotebookRunner.InterruptedError))
            html.Append("<p class=\"status-failed\">This run was interrupted (Ctrl+C or SIGTERM) while the marked cell ran; later cells did not run.</p>\n");
        else if (errors.Count > 0)
            html.Append("<p class=\"status-failed\">This run failed: the cell showing the error stopped it; later cells did not run.</p>\n");
        AppendProvenance(html, notebook.Metadata["notebooks_host"] as JsonObject);
        foreach (var cell in notebook.Cells) AppendCell(html, cell);
        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    static string Duration(Cell cell) =>
        cell.Metadata[NotebookRunner.CellMetadataKey]?["duration_s"] is { } seconds ? $" ({seconds} s)" : "";

    static void AppendProvenance(StringBuilder html, JsonObject? run)
    {
        if (run is null) return;
        html.Append("<table class=\"provenance\">\n");
        foreach (var (label, key) in new[] { ("run started", "started"), ("commit", "commit"), ("profile", "profile"), ("parameters", "parameters"),
                     ("device", "device"), ("machine", "machine"), ("duration", "duration_s") })
        {
            var value = run[key] switch
            {
                null => null,
                JsonObject { Count: 0 } => "(notebook defaults)",
                JsonObject o => string.Join(", ", o.Select(kv => $"{kv.Key}={kv.Value}")),
                var v when key == "duration_s" => $"{v} s",
                var v => v.ToString(),
            };
            if (value is not null) html.Append($"<tr><th>{Encode(label)}</th><td>{Encode(value)}</td></tr>\n");
        }
        html.Append("</table>\n");
    }

    static string Encode(string text) => WebUtility.HtmlEncode(text);

    static void AppendCell(StringBuilder html, Cell cell)
    {
        switch (cell.Kind)
        {
            case CellKind.Markdown:
                html.Append("<div class=\"cell markdown\">\n").Append(Markdig.Markdown.ToHtml(cell.Source, Markdown)).Append("</div>\n");
                return;
            case CellKind.Raw:
                html.Append("<div class=\"cell raw\"><pre>").Append(Encode(cell.Source)).Append("</pre></div>\n");
                return;
        }
        var kind = cell.Tags.Contains(NotebookParameters.Tag) || cell.Tags.Contains(NotebookParameters.InjectedTag) ? " parameters" : "";
        html.Append($"<div class=\"cell code{kind}\" id=\"cell-{Encode(cell.Id)}\">\n")
            .Append($"<div class=\"prompt\">In [{cell.ExecutionCount?.ToString() ?? " "}]:{(kind.Length > 0 ? " " + string.Join(", ", cell.Tags) : "")}{Duration(cell)}</div>\n")
            .Append("<pre class=\"code\">").Append(Encode(cell.Source)).Append("</pre>\n");
        foreach (var output in cell.Outputs)
        {
            html.Append("<div class=\"output\">");
            html.Append(output switch
            {
                StreamOutput s => $"<pre class=\"{s.Name}\">{Encode(s.Text.ToString())}</pre>",
                DisplayOutput d when d.Data.TryGetValue(MimeBundle.Html, out var rich) => rich,
                DisplayOutput d when d.Data.TryGetValue(MimeBundle.Png, out var png) => $"<img src=\"data:image/png;base64,{png}\"/>",
                DisplayOutput d => $"<pre>{Encode(d.Data.GetValueOrDefault(MimeBundle.Plain, ""))}</pre>",
                ErrorOutput e => $"<pre class=\"error\">{Encode($"{e.Name}: {e.Value}\n" + string.Join("\n", e.Traceback))}</pre>",
                _ => "",
            });
            html.Append("</div>\n");
        }
        html.Append("</div>\n");
    }
}
