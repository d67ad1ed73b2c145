using System.Text.Json.Nodes;

namespace Notebooks.Host.Notebook;

/// <summary>The metadata VS Code's Polyglot Notebooks extension expects, so a notebook we write opens there unchanged.</summary>
public static class Polyglot
{
    public static void EnsureNotebookMetadata(JsonObject metadata)
    {
        metadata["kernelspec"] ??= new JsonObject { ["display_name"] = ".NET (C#)", ["language"] = "C#", ["name"] = ".net-csharp" };
        metadata["language_info"] ??= new JsonObject { ["name"] = "polyglot-notebook" };
        metadata["polyglot_notebook"] ??= new JsonObject
        {
            ["kernelInfo"] = new JsonObject
            {
                ["defaultKernelName"] = "csharp",
                ["items"] = new JsonArray(new JsonObject { ["aliases"] = new JsonArray(), ["name"] = "csharp" }),
            },
        };
    }

    public static void EnsureCellMetadata(JsonObject metadata, string kernel)
    {
        metadata["dotnet_interactive"] ??= new JsonObject { ["language"] = kernel };
        metadata["polyglot_notebook"] ??= new JsonObject { ["kernelName"] = kernel };
    }
}
