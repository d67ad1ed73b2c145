using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Distill.Losses;

/// <summary>
/// A loss term described as data: a registry name, its weight in the distiller's sum and its parameters as a JSON
/// object, e.g. <c>{"name": "offline_ensemble", "weight": 1, "parameters": {"mixture": "mean", "temperature": 4}}</c>.
/// <see cref="LossRegistry"/> binds the parameters to the term's parameter record (booleans, numbers, lists, layer
/// pairs) when it builds the term; unknown keys are errors there. The object is kept canonical (keys sorted at every
/// level, numbers as doubles) so that equal terms serialise, and hash, identically.
/// </summary>
public sealed record LossSpec
{
    [JsonConstructor]
    public LossSpec(string name, double weight = 1.0, JsonObject? parameters = null)
    {
        Name = name;
        Weight = weight;
        Parameters = (JsonObject)Canonical(parameters ?? new JsonObject())!;
    }

    /// <summary>A spec whose parameters are <paramref name="parameters"/> (a term's parameter record, or any object
    /// with the parameters' JSON names) serialised as the registry binds them; null fields are left out.</summary>
    public static LossSpec Of(string name, double weight, object parameters) =>
        new(name, weight, JsonSerializer.SerializeToNode(parameters, parameters.GetType(), LossRegistry.ParameterJson)?.AsObject()
            ?? throw new ArgumentException($"Loss term '{name}': parameters must serialise to a JSON object."));

    public string Name { get; }
    public double Weight { get; }
    public JsonObject Parameters { get; }

    public bool Equals(LossSpec? other) =>
        other is not null && Name == other.Name && Weight.Equals(other.Weight) && ParametersJson == other.ParametersJson;

    public override int GetHashCode() => HashCode.Combine(Name, Weight, ParametersJson);

    string ParametersJson => Parameters.ToJsonString();

    /// <summary>E.g. "0.9*kd(temperature=4)", "1*cross_layer(pairs=non_adjacent, stem=false)".</summary>
    public override string ToString() =>
        $"{Weight:0.###}*{Name}" + (Parameters.Count == 0 ? "" : $"({string.Join(", ", Parameters.Select(p => $"{p.Key}={Show(p.Value)}"))})");

    static string Show(JsonNode? value) => value switch
    {
        JsonValue v when v.TryGetValue(out double d) => d.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture),
        JsonValue v when v.TryGetValue(out string? s) => s,
        _ => value?.ToJsonString() ?? "null",
    };

    /// <summary>A deep copy with object keys sorted (ordinal) and every number re-written from its double value.</summary>
    static JsonNode? Canonical(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, Canonical(p.Value)))),
        JsonArray a => new JsonArray(a.Select(Canonical).ToArray()),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number =>
            JsonValue.Create(double.Parse(v.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture)),
        JsonValue v => JsonNode.Parse(v.ToJsonString()),
        null => null,
        _ => throw new InvalidOperationException($"Unexpected JSON node {node.GetType().Name}."),
    };
}
