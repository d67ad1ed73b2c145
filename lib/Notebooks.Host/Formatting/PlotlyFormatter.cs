using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json.Nodes;
using Notebooks.Host.Notebook;

namespace Notebooks.Host.Formatting;

/// <summary>
/// Plotly.NET charts (GenericChart, also from Plotly.NET.CSharp): the figure JSON from GenericChart.toJson, written
/// as application/vnd.plotly.v1+json (Jupyter and VS Code renderers) and as a div + script that draws with the
/// page's Plotly object. No CDN: the HTML report inlines plotly.js once (see Report/PlotlyJs).
/// </summary>
public static class PlotlyFormatter
{
    public const string ChartType = "Plotly.NET.GenericChart";
    static readonly ConcurrentDictionary<Assembly, MethodInfo> ToJson = new();

    public static MimeBundle? TryFormat(object value)
    {
        var chartType = Reflect.FindBase(value.GetType(), ChartType);
        if (chartType is null) return null;
        var toJson = ToJson.GetOrAdd(chartType.Assembly, assembly => assembly.GetExportedTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static))
            .First(m => m.Name == "toJson" && m.GetParameters() is [var p] && p.ParameterType == chartType));
        var json = (string)toJson.Invoke(null, [value])!;
        var figure = JsonNode.Parse(json)!.AsObject();
        var traces = (figure["data"] as JsonArray)?.Select(t => (string?)t?["type"] ?? "scatter").ToList() ?? [];
        var id = "plotly-" + Guid.NewGuid().ToString("N")[..12];
        var html = $$"""
            <div id="{{id}}" class="notebooks-plotly"></div>
            <script type="text/javascript">
            (function () {
              var figure = {{json.Replace("</", "<\\/")}};
              var target = document.getElementById('{{id}}');
              if (typeof Plotly === 'undefined') { target.textContent = 'plotly.js is not loaded on this page (notebooks reports inline it).'; return; }
              Plotly.newPlot(target, figure.data, figure.layout || {}, figure.config || {});
            })();
            </script>
            """;
        return new MimeBundle
        {
            [MimeBundle.Html] = html,
            [MimeBundle.PlotlyJson] = json,
            [MimeBundle.Plain] = $"Plotly chart: {traces.Count} trace(s) ({string.Join(", ", traces.Distinct())})",
        };
    }
}
