namespace Distill.Models;

/// <summary>Builds any model of the zoo by name. Each family registers its names in <see cref="Families"/>.</summary>
public static class ModelZoo
{
    static readonly Dictionary<string, Func<ModelSpec, DistillModel>> Factories = new(StringComparer.OrdinalIgnoreCase);

    static ModelZoo()
    {
        foreach (var register in Families) register();
    }

    /// <summary>One entry per model family file; each calls <see cref="Register"/> for its names.</summary>
    static readonly Action[] Families =
    [
        ResNetCifar.Register,
        Vgg.Register,
        MobileNet.Register,
        ResNet.Register,
        CoViarStreams.Register,
    ];

    public static void Register(string name, Func<ModelSpec, DistillModel> factory) => Factories[name] = factory;

    public static IReadOnlyCollection<string> Names => Factories.Keys;

    public static DistillModel Create(ModelSpec spec) =>
        Factories.TryGetValue(spec.Name, out var factory)
            ? factory(spec)
            : throw new ArgumentException($"Unknown model '{spec.Name}'. Known: {string.Join(", ", Factories.Keys.Order())}");
}
