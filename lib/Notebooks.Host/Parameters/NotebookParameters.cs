using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Notebooks.Host.Notebook;

namespace Notebooks.Host.Parameters;

/// <summary>A default declared in the parameters cell: its name, C# type keyword and literal.</summary>
public sealed record ParameterDefault(string Name, string Type, string Literal);

/// <summary>
/// Papermill-style parameters: the cell tagged "parameters" declares defaults (`int Epochs = 30;`, `var Lr = 0.1;`);
/// overrides from the command line are typed by the default's C# type, validated, and written as a new cell tagged
/// "injected-parameters" right after it (an earlier injected cell is replaced), so the run's record shows them.
/// </summary>
public static partial class NotebookParameters
{
    public const string Tag = "parameters", InjectedTag = "injected-parameters", ProfileName = "Profile";
    public static readonly string[] Profiles = ["smoke", "cpu", "cpu-full", "paper"];   // Distill.Experiments.Profiles.All

    [GeneratedRegex("""^\s*(?:const\s+)?(?<type>var|int|long|double|float|decimal|bool|string)\s+(?<name>[A-Za-z_]\w*)\s*=\s*(?<value>.+?)\s*;\s*(//.*)?$""", RegexOptions.Multiline)]
    private static partial Regex Declaration();

    public static IReadOnlyList<ParameterDefault> Defaults(Cell cell) =>
        Declaration().Matches(cell.Source).Select(m => new ParameterDefault(m.Groups["name"].Value,
            m.Groups["type"].Value == "var" ? TypeOfLiteral(m.Groups["value"].Value) : m.Groups["type"].Value, m.Groups["value"].Value)).ToList();

    /// <summary>Applies overrides (name → text as typed on the command line); returns the injected cell, or null when there were none.</summary>
    public static Cell? Inject(Notebook.Notebook notebook, IReadOnlyDictionary<string, string> overrides, string source)
    {
        notebook.Cells.RemoveAll(c => c.Tags.Contains(InjectedTag));
        if (overrides.Count == 0) return null;
        int index = notebook.Cells.FindIndex(c => c.Kind == CellKind.Code && c.Tags.Contains(Tag));
        var defaults = index < 0 ? [] : Defaults(notebook.Cells[index]);
        var lines = new List<string> { $"// Parameters injected by `notebooks run` ({source}); they override the defaults of the parameters cell." };
        foreach (var (name, text) in overrides)
        {
            var declared = defaults.FirstOrDefault(d => d.Name == name);
            string type = declared?.Type ?? (name == ProfileName ? "string" : throw new ParameterException(
                index < 0 ? $"--param {name}: the notebook has no cell tagged '{Tag}' to declare it"
                          : $"--param {name}: not declared in the parameters cell (it declares: {string.Join(", ", defaults.Select(d => d.Name))})"));
            lines.Add($"{type} {name} = {Literal(name, type, text)};");
        }
        var cell = Cell.NewCode(string.Join("\n", lines));
        cell.Metadata["tags"] = new JsonArray(InjectedTag);
        notebook.Cells.Insert(index + 1, cell);
        return cell;
    }

    static string TypeOfLiteral(string literal)
    {
        literal = literal.Trim();
        if (literal.StartsWith('"') || literal.StartsWith('@') || literal.StartsWith('$')) return "string";
        if (literal is "true" or "false") return "bool";
        var suffix = char.ToLowerInvariant(literal[^1]);
        if (suffix == 'f') return "float";
        if (suffix == 'm') return "decimal";
        if (suffix == 'l') return "long";
        if (suffix == 'd' || literal.Contains('.') || literal.Contains('e') || literal.Contains('E')) return "double";
        if (long.TryParse(literal, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)) return "int";
        throw new ParameterException($"parameters cell: cannot tell the type of 'var' default {literal}; declare it with an explicit type");
    }

    /// <summary>The C# literal for a command-line value of the given type; a clear error when it does not parse.</summary>
    public static string Literal(string name, string type, string text)
    {
        var c = CultureInfo.InvariantCulture;
        bool ok = type switch
        {
            "int" => int.TryParse(text, NumberStyles.Integer, c, out _),
            "long" => long.TryParse(text, NumberStyles.Integer, c, out _),
            "double" or "float" => double.TryParse(text, NumberStyles.Float, c, out _),
            "decimal" => decimal.TryParse(text, NumberStyles.Float, c, out _),
            "bool" => text is "true" or "false",
            "string" => true,
            _ => false,
        };
        if (!ok) throw new ParameterException($"--param {name}={text}: not a valid {type} (the parameters cell declares {name} as {type})");
        return type switch
        {
            "string" => "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n") + "\"",
            "long" => text + "L",
            "float" => text + "f",
            "decimal" => text + "m",
            "double" => double.Parse(text, c).ToString("R", c) is var r && (r.Contains('.') || r.Contains('E') || r.Contains('N') || r.Contains('I')) ? FormatDouble(r) : r + ".0",
            _ => text,
        };
    }

    static string FormatDouble(string r) => r switch
    {
        "NaN" => "double.NaN",
        "Infinity" => "double.PositiveInfinity",
        "-Infinity" => "double.NegativeInfinity",
        _ => r,
    };

    /// <summary>Parses "Name=Value" command-line items (Value may contain '='); --profile adds Profile.</summary>
    public static Dictionary<string, string> ParseOverrides(IEnumerable<string> items, string? profile)
    {
        var overrides = new Dictionary<string, string>();
        foreach (var item in items)
        {
            int eq = item.IndexOf('=');
            if (eq <= 0) throw new ParameterException($"--param {item}: expected Name=Value");
            overrides[item[..eq].Trim()] = item[(eq + 1)..];
        }
        if (profile is not null)
        {
            if (!Profiles.Contains(profile)) throw new ParameterException($"--profile {profile}: expected one of {string.Join(", ", Profiles)}");
            overrides[ProfileName] = profile;
        }
        return overrides;
    }
}

/// <summary>A parameter override that cannot be applied; the message names the parameter and why.</summary>
public sealed class ParameterException(string message) : Exception(message);
