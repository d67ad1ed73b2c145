using System.Text;

namespace Notebooks.Host.Notebook;

/// <summary>
/// Reads Polyglot's plain-text .dib format: cells start at lines "#!csharp", "#!markdown", ... and a leading
/// "#!meta" block holds notebook metadata (ignored here). .dib files carry no outputs, so the host only reads them.
/// </summary>
public static class Dib
{
    static readonly HashSet<string> CellKernels = ["csharp", "c#", "markdown", "md", "fsharp", "f#", "pwsh", "javascript", "html", "sql", "kql", "mermaid", "value", "meta"];

    public static Notebook Read(string path)
    {
        var notebook = new Notebook();
        string? kernel = "csharp";
        var body = new StringBuilder();
        void Flush()
        {
            var source = body.ToString().Trim('\r', '\n');
            body.Clear();
            if (kernel is null or "meta" || source.Length == 0) return;
            notebook.Cells.Add(kernel is "markdown" or "md" ? Cell.NewMarkdown(source) : Cell.NewCode(source, kernel is "c#" ? "csharp" : kernel));
        }
        foreach (var line in File.ReadLines(path))
        {
            var trimmed = line.TrimEnd();
            if (trimmed.StartsWith("#!") && CellKernels.Contains(trimmed[2..]))
            {
                Flush();
                kernel = trimmed[2..];
                continue;
            }
            body.Append(line).Append('\n');
        }
        Flush();
        return notebook;
    }
}
