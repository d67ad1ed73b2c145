namespace Distill.Losses;

/// <summary>
/// Builds loss terms from their data description (<see cref="LossSpec"/>), so that experiment configs stay data
/// (torchdistill's registry idea). Each loss file registers its names in <see cref="Terms"/>. Terms that need more than
/// their parameters (stage channels of student and teachers, the number of teachers, the seed) read a
/// <see cref="LossContext"/>.
/// </summary>
public static class LossRegistry
{
    static readonly Dictionary<string, Func<LossSpec, LossContext?, LossTerm>> Factories = new(StringComparer.OrdinalIgnoreCase);

    static LossRegistry()
    {
        foreach (var register in Terms) register();
    }

    /// <summary>One entry per loss file; each calls <see cref="Register"/> for its names.</summary>
    static readonly Action[] Terms =
    [
        CrossEntropy.RegisterIn,
        HintonKd.RegisterIn,
        MultiTeacher.RegisterIn,
        Fsp.RegisterIn,
        CrossLayerGram.RegisterIn,
        OfflineKl.RegisterIn,
        OfflineEnsemble.RegisterIn,
    ];

    /// <summary>Registers a term built from its parameters alone.</summary>
    public static void Register(string name, Func<LossSpec, LossTerm> factory) => Factories[name] = (spec, _) => factory(spec);

    /// <summary>Registers a term that needs the experiment's <see cref="LossContext"/> (null when the caller has none).</summary>
    public static void Register(string name, Func<LossSpec, LossContext?, LossTerm> factory) => Factories[name] = factory;

    public static IReadOnlyCollection<string> Names => Factories.Keys;

    /// <summary>Builds the term <paramref name="spec"/> names; <paramref name="context"/> is required by the terms that read it.</summary>
    public static LossTerm Create(LossSpec spec, LossContext? context = null) =>
        Factories.TryGetValue(spec.Name, out var factory)
            ? factory(spec, context)
            : throw new ArgumentException($"Unknown loss term '{spec.Name}'. Known: {string.Join(", ", Factories.Keys.Order())}");

    /// <summary>The context, or a clear error naming the term that needs it.</summary>
    public static LossContext RequireContext(LossSpec spec, LossContext? context) =>
        context ?? throw new ArgumentException(
            $"Loss term '{spec.Name}' is built from the experiment's models (student and teacher specs); create it with a LossContext.");

    /// <summary>A 0/1 switch parameter; anything else is an error naming the term.</summary>
    public static bool Flag(LossSpec spec, string key)
    {
        double v = spec.Get(key, 0);
        return v switch
        {
            0 => false,
            1 => true,
            _ => throw new ArgumentException($"Loss term '{spec.Name}': parameter '{key}' is a switch (0 or 1), got {v}."),
        };
    }

    /// <summary>Rejects parameters a term does not understand, so a typo in a config is an error, not a silent default.</summary>
    public static void CheckParameters(LossSpec spec, params string[] known)
    {
        var unknown = spec.Parameters.Keys.Where(k => !known.Contains(k, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException(
                $"Loss term '{spec.Name}' has no parameter(s) {string.Join(", ", unknown)}. " +
                $"Known: {(known.Length == 0 ? "none" : string.Join(", ", known))}");
    }
}
