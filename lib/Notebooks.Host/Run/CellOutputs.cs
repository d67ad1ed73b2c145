using Notebooks.Host.Notebook;

namespace Notebooks.Host.Run;

/// <summary>
/// Where a running cell's outputs go. Console text is merged into one stream output per stream; an update of a display
/// (a progress line, a growing chart) replaces what it shows wherever it is, even from a later cell. The kernel names an
/// update by the id of the display handle, which is not the id its first DisplayedValueProduced carried (seen with
/// Microsoft.DotNet.Interactive 1.0.0-beta.26120.1), so a first update with an unknown id takes the cell's latest display
/// that no update has claimed yet. Every change happens under the cell's output lock, which the runner also holds while
/// it writes the files.
/// </summary>
sealed class CellOutputs(Cell cell, Dictionary<string, (List<Output> Owner, DisplayOutput Output)> displays)
{
    public void Add(Output output)
    {
        lock (cell.Outputs) cell.Outputs.Add(output);
    }

    readonly List<DisplayOutput> unclaimed = new();

    public void Display(string? id, MimeBundle data)
    {
        var output = new DisplayOutput(data);
        Add(output);
        unclaimed.Add(output);
        if (id is not null) lock (displays) displays[id] = (cell.Outputs, output);
    }

    public void Update(string? id, MimeBundle data)
    {
        if (id is null) return;
        (List<Output> Owner, DisplayOutput Output) shown;
        lock (displays)
        {
            if (!displays.TryGetValue(id, out shown))
            {
                if (unclaimed.Count == 0) return;
                shown = displays[id] = (cell.Outputs, unclaimed[^1]);
            }
            unclaimed.Remove(shown.Output);
        }
        lock (shown.Owner) shown.Output.Data = data;
    }

    public void Write(string stream, string text)
    {
        if (text.Length == 0) return;
        lock (cell.Outputs)
        {
            if (cell.Outputs.LastOrDefault() is StreamOutput last && last.Name == stream) last.Text.Append(text);
            else
            {
                var output = new StreamOutput(stream);
                output.Text.Append(text);
                cell.Outputs.Add(output);
            }
        }
    }
}
