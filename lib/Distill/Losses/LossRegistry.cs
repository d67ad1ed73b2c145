using System.Text.Json;
using System.Text.Json.Serialization;

namespace Distill.Losses;

/// <summary>
/// Builds loss terms from their data description (<see cref="LossSpec"/>), so that experiment configs stay data
/// (torchdistill's registry idea). Each loss file registers its names in <see cref="Terms"/> with the record its
/// parameters bind to. Terms that need more than their parameters (tap channels of student and teachers, the number
/// of teachers, the seed) read a <see cref="LossContext"/>.
/// </summary>
public static class LossRegistry
{
    static readonly Registry<Func<LossSpec, LossContext?, LossTerm>> Factories = new("loss term");

    static LossRegistry()
    {
        foreach (var register in Terms) register();
    }

    /// <summary>One entry per loss file; each calls <see cref="Register{T}"/> for its names.</summary>
    static readonly Action[] Terms =
    [
        CrossEntropy.RegisterIn,
        HintonKd.RegisterIn,
        Fsp.RegisterIn,
        Hint.RegisterIn,
    ];

    /// <summary>
    /// JSON form of parameter records: snake_case names ("label_smoothing", "max_pooling"), enums as snake_case strings
    /// ("non_adjacent"), null fields (= the term's default) left out.
    /// </summary>
    public static readonly JsonSerializerOptions ParameterJson = new()
    {
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),   // Bind reads the allowed keys before any (de)serialisation
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false) },
    };

    /// <summary>
    /// Registers the term <paramref name="name"/>: its parameters bind to <typeparamref name="TParameters"/> (unknown keys
    /// are errors naming the key, the term and the allowed keys); <paramref name="create"/> gets the record and the
    /// experiment's context (null when the caller has none).
    /// </summary>
    public static void Register<TParameters>(string name, Func<TParameters, LossContext?, LossTerm> create) where TParameters : new() =>
        Factories.Register(name, (spec, context) => create(Bind<TParameters>(spec), context));

    /// <summary>Builds the term <paramref name="spec"/> names; <paramref name="context"/> is required by the terms that read it.</summary>
    public static LossTerm Create(LossSpec spec, LossContext? context = null) => Factories[spec.Name](spec, context);

    /// <summary>The parameters of <paramref name="spec"/> as <typeparamref name="T"/>; every error names the term.</summary>
    public static T Bind<T>(LossSpec spec) where T : new()
    {
        var allowed = ParameterJson.GetTypeInfo(typeof(T)).Properties.Select(p => p.Name).ToArray();
        var unknown = spec.Parameters.Select(p => p.Key).Where(k => !allowed.Contains(k, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException(
                $"Loss term '{spec.Name}' has no parameter(s) {string.Join(", ", unknown)}. " +
                $"Allowed: {(allowed.Length == 0 ? "none" : string.Join(", ", allowed))}.");
        try
        {
            return spec.Parameters.Deserialize<T>(ParameterJson) ?? new T();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new ArgumentException($"Loss term '{spec.Name}': parameter {(e as JsonException)?.Path ?? ""} {e.Message}", e);
        }
    }

    /// <summary>The context, or a clear error naming the term that needs it.</summary>
    public static LossContext RequireContext(string term, LossContext? context) =>
        context ?? throw new ArgumentException(
            $"Loss term '{term}' is built from the experiment's models (student and teacher specs); create it with a LossContext.");
}
