using System.Text.Json.Serialization;

namespace Distill.Losses;

/// <summary>
/// A loss term described as data: a registry name, its weight in the distiller's sum and its parameters,
/// e.g. <c>{"name": "kd", "weight": 0.9, "parameters": {"temperature": 4}}</c>. Built by <see cref="LossRegistry"/>.
/// Parameters are kept sorted so that equal terms serialise (and hash) identically.
/// </summary>
public sealed record LossSpec
{
    [JsonConstructor]
    public LossSpec(string name, double weight = 1.0, IReadOnlyDictionary<string, double>? parameters = null)
    {
        Name = name;
        Weight = weight;
        Parameters = new SortedDictionary<string, double>(
            (parameters ?? new Dictionary<string, double>()).ToDictionary(), StringComparer.Ordinal);
    }

    public string Name { get; }
    public double Weight { get; }
    public IReadOnlyDictionary<string, double> Parameters { get; }

    /// <summary>The parameter <paramref name="key"/>, or <paramref name="fallback"/> when absent.</summary>
    public double Get(string key, double fallback) => Parameters.TryGetValue(key, out var v) ? v : fallback;

    public bool Equals(LossSpec? other) =>
        other is not null && Name == other.Name && Weight.Equals(other.Weight) &&
        Parameters.Count == other.Parameters.Count &&
        Parameters.All(p => other.Parameters.TryGetValue(p.Key, out var v) && v.Equals(p.Value));

    public override int GetHashCode() =>
        Parameters.Aggregate(HashCode.Combine(Name, Weight), (h, p) => HashCode.Combine(h, p.Key, p.Value));

    public override string ToString() =>
        $"{Weight:0.###}*{Name}" + (Parameters.Count == 0 ? "" : $"({string.Join(", ", Parameters.Select(p => $"{p.Key}={p.Value:0.###}"))})");
}
