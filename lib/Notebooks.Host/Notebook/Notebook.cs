using System.Text.Json.Nodes;

namespace Notebooks.Host.Notebook;

/// <summary>What a cell holds: C# code, markdown prose, or raw text passed through untouched.</summary>
public enum CellKind { Code, Markdown, Raw }

/// <summary>
/// One cell of a Polyglot notebook. <see cref="Metadata"/> keeps whatever the file had (tags, polyglot_notebook
/// kernel name, ...) so a notebook round-trips through the host without losing VS Code's bookkeeping.
/// </summary>
public sealed class Cell
{
    public required string Id { get; set; }
    public required CellKind Kind { get; set; }
    public required string Source { get; set; }
    /// <summary>Polyglot kernel name of a code cell ("csharp", "fsharp", "markdown", ...).</summary>
    public string Kernel { get; set; } = "csharp";
    public JsonObject Metadata { get; set; } = new();
    public List<Output> Outputs { get; } = new();
    public int? ExecutionCount { get; set; }

    public IReadOnlyList<string> Tags =>
        Metadata["tags"] is JsonArray tags ? tags.Select(t => t?.GetValue<string>() ?? "").ToList() : [];

    public static Cell NewCode(string source, string kernel = "csharp") =>
        new() { Id = NewId(), Kind = CellKind.Code, Source = source, Kernel = kernel };

    public static Cell NewMarkdown(string source) =>
        new() { Id = NewId(), Kind = CellKind.Markdown, Source = source, Kernel = "markdown" };

    /// <summary>nbformat 4.5 cell ids: 1-64 characters of [a-zA-Z0-9-_].</summary>
    public static string NewId() => Guid.NewGuid().ToString("N")[..16];
}

/// <summary>A notebook: its cells in order plus the notebook-level metadata (kernelspec, polyglot_notebook, ...).</summary>
public sealed class Notebook
{
    public JsonObject Metadata { get; set; } = new();
    public List<Cell> Cells { get; } = new();
    public int FormatMinor { get; set; } = 5;
}
