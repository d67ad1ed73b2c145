using System.Text;

namespace Notebooks.Host.Notebook;

/// <summary>
/// A mime bundle: one rendering of a value per mime type, richest first (text/html, image/png, ..., text/plain).
/// JSON mime types (application/*+json) hold their JSON text; the .ipynb writer stores them as JSON objects.
/// </summary>
public sealed class MimeBundle : Dictionary<string, string>
{
    public const string Html = "text/html", Plain = "text/plain", Png = "image/png", PlotlyJson = "application/vnd.plotly.v1+json";

    public static MimeBundle Of(string html, string plain) => new() { [Html] = html, [Plain] = plain };
}

/// <summary>One output of a code cell, as nbformat 4 knows them.</summary>
public abstract class Output;

/// <summary>Console text written while the cell ran ("stdout" or "stderr"); consecutive writes are merged.</summary>
public sealed class StreamOutput(string name) : Output
{
    public string Name { get; } = name;
    public StringBuilder Text { get; } = new();
}

/// <summary>
/// A displayed value: display_data for display(x), execute_result for the cell's trailing expression.
/// <see cref="Data"/> is replaced in place when the notebook code updates the display (progress bars).
/// </summary>
public sealed class DisplayOutput(MimeBundle data, int? resultOfExecution = null) : Output
{
    public MimeBundle Data { get; set; } = data;
    /// <summary>The execution count when this is the cell's execute_result; null for display_data.</summary>
    public int? ResultOfExecution { get; set; } = resultOfExecution;
}

/// <summary>An exception or compile error that stopped the cell: exception type, message and stack lines.</summary>
public sealed class ErrorOutput(string name, string value, IReadOnlyList<string> traceback) : Output
{
    public string Name { get; } = name;
    public string Value { get; } = value;
    public IReadOnlyList<string> Traceback { get; } = traceback;
}
