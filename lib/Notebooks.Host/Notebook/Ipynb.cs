using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Notebooks.Host.Notebook;

/// <summary>
/// Reads and writes Jupyter nbformat 4 (.ipynb) the way Polyglot Notebooks saves it: kernelspec .net-csharp,
/// polyglot_notebook metadata on the notebook and on every cell, cell ids (nbformat 4.5), multi-line strings as
/// line arrays.
/// </summary>
public static class Ipynb
{
    static readonly JsonSerializerOptions Pretty = new()
    {
        WriteIndented = true, IndentSize = 1, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static Notebook Read(string path)
    {
        JsonObject root;
        try { root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new JsonException("the top level is not a JSON object"); }
        catch (JsonException e) { throw new NotebookFormatException(path, $"not valid JSON: {e.Message}"); }
        int major = root["nbformat"]?.GetValue<int>() ?? 0;
        if (major != 4) throw new NotebookFormatException(path, $"nbformat {major} is not supported (only nbformat 4)");
        var notebook = new Notebook
        {
            Metadata = root["metadata"]?.DeepClone() as JsonObject ?? new JsonObject(),
            FormatMinor = Math.Max(5, root["nbformat_minor"]?.GetValue<int>() ?? 5),
        };
        if (root["cells"] is not JsonArray cells) throw new NotebookFormatException(path, "no \"cells\" array");
        for (int i = 0; i < cells.Count; i++)
        {
            try { notebook.Cells.Add(ReadCell(cells[i] as JsonObject ?? throw new FormatException("not an object"))); }
            catch (Exception e) when (e is FormatException or InvalidOperationException or JsonException)
            { throw new NotebookFormatException(path, $"cell {i}: {e.Message}"); }
        }
        return notebook;
    }

    static Cell ReadCell(JsonObject json)
    {
        var kind = (string?)json["cell_type"] switch
        {
            "code" => CellKind.Code, "markdown" => CellKind.Markdown, "raw" => CellKind.Raw,
            var other => throw new FormatException($"unknown cell_type '{other}'"),
        };
        var metadata = json["metadata"]?.DeepClone() as JsonObject ?? new JsonObject();
        var cell = new Cell
        {
            Id = (string?)json["id"] is { Length: > 0 } id ? id : Cell.NewId(),
            Kind = kind, Source = ReadText(json["source"]), Metadata = metadata,
            Kernel = kind == CellKind.Markdown ? "markdown" : KernelOf(metadata),
            ExecutionCount = json["execution_count"]?.GetValue<int>(),
        };
        if (json["outputs"] is JsonArray outputs)
            foreach (var o in outputs) cell.Outputs.Add(ReadOutput(o as JsonObject ?? throw new FormatException("an output is not an object")));
        return cell;
    }

    static string KernelOf(JsonObject metadata) =>
        (string?)metadata["polyglot_notebook"]?["kernelName"] ?? (string?)metadata["dotnet_interactive"]?["language"] ?? "csharp";

    static Output ReadOutput(JsonObject o)
    {
        switch ((string?)o["output_type"])
        {
            case "stream":
                var stream = new StreamOutput((string?)o["name"] ?? "stdout");
                stream.Text.Append(ReadText(o["text"]));
                return stream;
            case "display_data":
                return new DisplayOutput(ReadBundle(o["data"] as JsonObject));
            case "execute_result":
                return new DisplayOutput(ReadBundle(o["data"] as JsonObject), o["execution_count"]?.GetValue<int>() ?? 0);
            case "error":
                return new ErrorOutput((string?)o["ename"] ?? "", (string?)o["evalue"] ?? "",
                    (o["traceback"] as JsonArray)?.Select(t => (string?)t ?? "").ToList() ?? []);
            case var other:
                throw new FormatException($"unknown output_type '{other}'");
        }
    }

    static MimeBundle ReadBundle(JsonObject? data)
    {
        var bundle = new MimeBundle();
        foreach (var (mime, value) in data ?? new JsonObject())
            bundle[mime] = value is JsonObject ? value.ToJsonString() : ReadText(value);
        return bundle;
    }

    static string ReadText(JsonNode? node) => node switch
    {
        null => "",
        JsonArray lines => string.Concat(lines.Select(l => (string?)l)),
        _ => node.GetValue<string>(),
    };

    public static void Write(Notebook notebook, string path) => File.WriteAllText(path, ToJson(notebook));

    public static string ToJson(Notebook notebook)
    {
        var metadata = (JsonObject)notebook.Metadata.DeepClone();
        Polyglot.EnsureNotebookMetadata(metadata);
        var cells = new JsonArray();
        foreach (var cell in notebook.Cells) cells.Add(WriteCell(cell));
        var root = new JsonObject
        {
            ["cells"] = cells, ["metadata"] = metadata, ["nbformat"] = 4, ["nbformat_minor"] = notebook.FormatMinor,
        };
        return root.ToJsonString(Pretty) + "\n";
    }

    static JsonObject WriteCell(Cell cell)
    {
        var metadata = (JsonObject)cell.Metadata.DeepClone();
        if (cell.Kind == CellKind.Code) Polyglot.EnsureCellMetadata(metadata, cell.Kernel);
        var json = new JsonObject { ["cell_type"] = cell.Kind.ToString().ToLowerInvariant() };
        if (cell.Kind == CellKind.Code) json["execution_count"] = cell.ExecutionCount;
        json["id"] = cell.Id;
        json["metadata"] = metadata;
        if (cell.Kind == CellKind.Code) json["outputs"] = new JsonArray(cell.Outputs.Select(WriteOutput).ToArray<JsonNode?>());
        json["source"] = Lines(cell.Source);
        return json;
    }

    static JsonObject WriteOutput(Output output) => output switch
    {
        StreamOutput s => new JsonObject { ["name"] = s.Name, ["output_type"] = "stream", ["text"] = Lines(s.Text.ToString()) },
        DisplayOutput { ResultOfExecution: int count } d => new JsonObject
        {
            ["data"] = WriteBundle(d.Data), ["execution_count"] = count, ["metadata"] = new JsonObject(), ["output_type"] = "execute_result",
        },
        DisplayOutput d => new JsonObject { ["data"] = WriteBundle(d.Data), ["metadata"] = new JsonObject(), ["output_type"] = "display_data" },
        ErrorOutput e => new JsonObject
        {
            ["ename"] = e.Name, ["evalue"] = e.Value, ["output_type"] = "error",
            ["traceback"] = new JsonArray(e.Traceback.Select(t => (JsonNode?)t).ToArray()),
        },
        _ => throw new ArgumentException($"unknown output {output.GetType().Name}"),
    };

    static JsonObject WriteBundle(MimeBundle bundle)
    {
        var data = new JsonObject();
        foreach (var (mime, value) in bundle)
            data[mime] = mime.EndsWith("json", StringComparison.Ordinal) ? JsonNode.Parse(value) : mime.StartsWith("image/") ? value : Lines(value);
        return data;
    }

    /// <summary>Jupyter's multi-line string: one array item per line, each keeping its "\n".</summary>
    static JsonArray Lines(string text)
    {
        var lines = new JsonArray();
        int start = 0;
        while (start < text.Length)
        {
            int nl = text.IndexOf('\n', start);
            int end = nl < 0 ? text.Length : nl + 1;
            lines.Add(text[start..end]);
            start = end;
        }
        return lines;
    }
}

/// <summary>A notebook file that cannot be read: names the file and what was wrong.</summary>
public sealed class NotebookFormatException(string path, string problem) : Exception($"{path}: {problem}");
