using System.Text;
using Notebooks.Host.Notebook;

namespace Notebooks.Host.Kernel;

/// <summary>
/// Where a running cell's outputs go. Console writes and display() calls land in the cell that is running; a
/// display handle keeps writing into the cell that created it, even after later cells ran (progress bars).
/// </summary>
public sealed class CellOutputs(Cell cell)
{
    public Cell Cell { get; } = cell;

    public void Add(Output output)
    {
        lock (Cell.Outputs) Cell.Outputs.Add(output);
    }

    public void Replace(DisplayOutput output, MimeBundle data)
    {
        lock (Cell.Outputs) output.Data = data;
    }

    public void Write(string stream, string text)
    {
        if (text.Length == 0) return;
        lock (Cell.Outputs)
        {
            if (Cell.Outputs.LastOrDefault() is StreamOutput last && last.Name == stream) last.Text.Append(text);
            else
            {
                var output = new StreamOutput(stream);
                output.Text.Append(text);
                Cell.Outputs.Add(output);
            }
        }
    }
}

/// <summary>Console.Out / Console.Error replacement that sends text to the running cell (or the real console between cells).</summary>
sealed class CellConsoleWriter(string stream, TextWriter fallback, Func<CellOutputs?> current) : TextWriter
{
    public override Encoding Encoding => Encoding.UTF8;
    public override void Write(char value) => Write(value.ToString());
    public override void Write(string? value)
    {
        if (value is null) return;
        if (current() is { } outputs) outputs.Write(stream, value);
        else fallback.Write(value);
    }
    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));
    public override void WriteLine(string? value) => Write(value + "\n");
}
