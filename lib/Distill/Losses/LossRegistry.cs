namespace Distill.Losses;

/// <summary>
/// Builds loss terms from their data description (<see cref="LossSpec"/>), so that experiment configs stay data
/// (torchdistill's registry idea). Each loss file registers its names in <see cref="Terms"/>.
/// </summary>
public static class LossRegistry
{
    static readonly Dictionary<string, Func<LossSpec, LossTerm>> Factories = new(StringComparer.OrdinalIgnoreCase);

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
    ];

    public static void Register(string name, Func<LossSpec, LossTerm> factory) => Factories[name] = factory;

    public static IReadOnlyCollection<string> Names => Factories.Keys;

    public static LossTerm Create(LossSpec spec) =>
        Factories.TryGetValue(spec.Name, out var factory)
            ? factory(spec)
            : throw new ArgumentException($"Unknown loss term '{spec.Name}'. Known: {string.Join(", ", Factories.Keys.Order())}");

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
