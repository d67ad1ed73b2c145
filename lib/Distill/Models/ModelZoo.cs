namespace Distill.Models;

/// <summary>Builds any model of the zoo by name. Each family registers its names in <see cref="Families"/>.</summary>
public static class ModelZoo
{
    static readonly Registry<Func<ModelSpec, DistillModel>> Models = new("model");

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

    public static void Register(string name, Func<ModelSpec, DistillModel> factory) => Models.Register(name, factory);

    public static DistillModel Create(ModelSpec spec) => Models[spec.Name](spec);
}
