namespace Distill;

/// <summary>
/// Things built by name from data (torchdistill's registry idea): loss terms (<see cref="Losses.LossRegistry"/>) and
/// models (<see cref="Models.ModelZoo"/>). Names are case-insensitive; registering a name again replaces its factory
/// (test fixtures register their small models once per test class). An unknown name is an error listing the known ones.
/// </summary>
/// <param name="kind">What the entries are, for error messages ("model", "loss term").</param>
public sealed class Registry<TFactory>(string kind) where TFactory : Delegate
{
    readonly Dictionary<string, TFactory> factories = new(StringComparer.OrdinalIgnoreCase);
    readonly Lock gate = new();

    public void Register(string name, TFactory factory)
    {
        lock (gate) factories[name] = factory;
    }

    /// <summary>The factory registered as <paramref name="name"/>.</summary>
    public TFactory this[string name]
    {
        get
        {
            lock (gate)
                return factories.TryGetValue(name, out var factory)
                    ? factory
                    : throw new ArgumentException($"Unknown {kind} '{name}'. Known: {string.Join(", ", factories.Keys.Order(StringComparer.Ordinal))}");
        }
    }
}
