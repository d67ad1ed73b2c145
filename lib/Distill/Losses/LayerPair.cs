using System.Text.Json;
using System.Text.Json.Serialization;

namespace Distill.Losses;

/// <summary>
/// A pair of layers (indices into the maps a Gram term reads: the stem output first when the term includes it, then
/// the stage outputs of <see cref="Models.Taps.Stages"/>) whose Gram matrix is matched between student and teacher.
/// FSP (Yim et al., CVPR 2017) uses adjacent layers; the cross-layer matrices of Chou et al. ("Deep Neural Network
/// Compression with Knowledge Distillation Using Cross-Layer Matrix, KL Divergence and Offline Ensemble", APSIPA 2020)
/// add non-adjacent ones. In a config a pair is a two-element array, e.g. [0, 2].
/// </summary>
/// <param name="First">The earlier layer; its channels index the Gram matrix's rows.</param>
/// <param name="Second">The later layer; its channels index the Gram matrix's columns.</param>
[JsonConverter(typeof(LayerPairJson))]
public readonly record struct LayerPair(int First, int Second)
{
    /// <summary>(0,1), (1,2), ..., (n-2, n-1): the FSP pairs.</summary>
    public static IReadOnlyList<LayerPair> Adjacent(int layerCount) =>
        Enumerable.Range(0, Math.Max(0, layerCount - 1)).Select(i => new LayerPair(i, i + 1)).ToArray();

    /// <summary>Every (i, j) with i &lt; j, ordered by i then j: adjacent and non-adjacent cross-layer pairs.</summary>
    public static IReadOnlyList<LayerPair> AllPairs(int layerCount) =>
        (from i in Enumerable.Range(0, layerCount)
         from j in Enumerable.Range(i + 1, Math.Max(0, layerCount - i - 1))
         select new LayerPair(i, j)).ToArray();

    /// <summary>Every (i, j) with j - i &gt;= 2: the cross-layer pairs without FSP's adjacent ones.</summary>
    public static IReadOnlyList<LayerPair> NonAdjacent(int layerCount) =>
        AllPairs(layerCount).Where(p => p.Second - p.First >= 2).ToArray();

    /// <summary>Checks a pair list against a layer count; throws naming the offending pair.</summary>
    public static void Validate(IReadOnlyList<LayerPair> pairs, int layerCount, string owner)
    {
        if (pairs.Count == 0)
            throw new ArgumentException($"{owner}: no layer pairs given (the networks have {layerCount} layers).", nameof(pairs));
        var seen = new HashSet<LayerPair>();
        for (int k = 0; k < pairs.Count; k++)
        {
            var p = pairs[k];
            if (p.First < 0 || p.Second >= layerCount || p.First >= p.Second)
                throw new ArgumentException(
                    $"{owner}: layer pair #{k} {p} is invalid; need 0 <= first < second < {layerCount} (layer count).", nameof(pairs));
            if (!seen.Add(p))
                throw new ArgumentException($"{owner}: layer pair #{k} {p} is listed twice.", nameof(pairs));
        }
    }

    public override string ToString() => $"({First},{Second})";
}

/// <summary>Which layer pairs a Gram term matches, by rule.</summary>
public enum PairRule
{
    /// <summary>(i, i + 1): FSP.</summary>
    Adjacent,

    /// <summary>Every i &lt; j: FSP's pairs plus the cross-layer ones.</summary>
    All,

    /// <summary>j - i &gt;= 2 only: the cross-layer pairs without FSP's.</summary>
    NonAdjacent,
}

/// <summary>
/// The pairs of a Gram term as configured: a <see cref="PairRule"/> (JSON: "adjacent", "all", "non_adjacent") or a stated
/// list (JSON: [[0, 2], [1, 3]]).
/// </summary>
[JsonConverter(typeof(GramPairsJson))]
public sealed record GramPairs
{
    GramPairs(PairRule? rule, IReadOnlyList<LayerPair>? listed)
    {
        Rule = rule;
        Listed = listed;
    }

    public static GramPairs Of(PairRule rule) => new(rule, null);

    public static GramPairs Of(params LayerPair[] pairs) => new(null, pairs.ToArray());

    public PairRule? Rule { get; }

    public IReadOnlyList<LayerPair>? Listed { get; }

    /// <summary>The pairs over <paramref name="layerCount"/> layers.</summary>
    public IReadOnlyList<LayerPair> For(int layerCount) => Rule switch
    {
        PairRule.Adjacent => LayerPair.Adjacent(layerCount),
        PairRule.All => LayerPair.AllPairs(layerCount),
        PairRule.NonAdjacent => LayerPair.NonAdjacent(layerCount),
        _ => Listed!,
    };
}

sealed class LayerPairJson : JsonConverter<LayerPair>
{
    public override LayerPair Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var values = JsonSerializer.Deserialize<int[]>(ref reader, options);
        return values is { Length: 2 }
            ? new LayerPair(values[0], values[1])
            : throw new JsonException("a layer pair is two layer indices, e.g. [0, 2].");
    }

    public override void Write(Utf8JsonWriter writer, LayerPair value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        writer.WriteNumberValue(value.First);
        writer.WriteNumberValue(value.Second);
        writer.WriteEndArray();
    }
}

sealed class GramPairsJson : JsonConverter<GramPairs>
{
    public override GramPairs Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String
            ? GramPairs.Of(JsonSerializer.Deserialize<PairRule>(ref reader, options))
            : GramPairs.Of(JsonSerializer.Deserialize<LayerPair[]>(ref reader, options)
                           ?? throw new JsonException("pairs is a rule (adjacent, all, non_adjacent) or a list of pairs."));

    public override void Write(Utf8JsonWriter writer, GramPairs value, JsonSerializerOptions options)
    {
        if (value.Rule is { } rule) JsonSerializer.Serialize(writer, rule, options);
        else JsonSerializer.Serialize(writer, value.Listed, options);
    }
}
