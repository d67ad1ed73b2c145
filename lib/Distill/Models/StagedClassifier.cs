using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Models;

/// <summary>
/// The shape every classifier of the zoo shares: stem, stages, optional neck, head (global average pool unless the
/// family asks for another, e.g. VGG-6's flatten), classifier.
/// Taps: each stage's output (the FSP / cross-layer layers), "stem" (the stem's output, for families with a stem: the
/// first layer of RepDistiller's feature lists), "backbone" (last stage map, for hints) and "pre_logits" (the
/// [N, features] vector the classifier reads).
/// </summary>
public class StagedClassifier : DistillModel
{
    readonly nn.Module<Tensor, Tensor>? stem;
    readonly ModuleList<nn.Module<Tensor, Tensor>> stages;
    readonly nn.Module<Tensor, Tensor>? neck;
    readonly nn.Module<Tensor, Tensor> head;
    readonly bool fixedInputSize;
    readonly nn.Module<Tensor, Tensor> classifier;
    readonly string[] stageNames;
    readonly int numClasses;

    protected StagedClassifier(string name, ModelSpec spec, nn.Module<Tensor, Tensor>? stem,
        IReadOnlyList<(string Name, nn.Module<Tensor, Tensor> Stage)> stages,
        nn.Module<Tensor, Tensor>? neck, nn.Module<Tensor, Tensor> classifier, nn.Module<Tensor, Tensor>? head = null) : base(name)
    {
        this.head = head ?? new GlobalAvgPool();
        fixedInputSize = head is not null;
        Spec = spec;
        this.stem = stem;
        this.stages = new ModuleList<nn.Module<Tensor, Tensor>>(stages.Select(s => s.Stage).ToArray());
        this.neck = neck;
        this.classifier = classifier;
        stageNames = stages.Select(s => s.Name).ToArray();
        numClasses = spec.NumClasses;
        RegisterComponents();
        Layers.InitWeights(this);
    }

    /// <summary>Name of the stem-output tap (families with a stem: CIFAR ResNet, MobileNet, ImageNet ResNet).</summary>
    public const string StemTap = "stem";

    /// <summary>What this model was built from.</summary>
    public ModelSpec Spec { get; }

    public override IReadOnlyList<string> StageNames => stageNames;

    public override int NumClasses => numClasses;

    public override Taps forward(Tensor x)
    {
        if (x.dim() != 4 || x.shape[1] != Spec.InChannels)
            throw new ArgumentException(
                $"{Spec.Name} expects [N, {Spec.InChannels}, H, W] input, got [{string.Join(", ", x.shape)}].");
        if (fixedInputSize && (x.shape[2] != Spec.ImageSize || x.shape[3] != Spec.ImageSize))
            throw new ArgumentException(
                $"{Spec.Name} was built for {Spec.ImageSize}x{Spec.ImageSize} inputs (its classifier reads a flattened map), got {x.shape[2]}x{x.shape[3]}.");
        var named = new Dictionary<string, Tensor>();
        if (stem is not null) named[StemTap] = x = stem.call(x);
        var taps = new List<Tensor>(stages.Count);
        foreach (var stage in stages)
        {
            x = stage.call(x);
            taps.Add(x);
        }
        var backbone = x;
        if (neck is not null) x = neck.call(x);
        var preLogits = head.call(x);
        var logits = classifier.call(preLogits);
        named["backbone"] = backbone;
        named["pre_logits"] = preLogits;
        return new Taps(logits, taps, named);
    }

    /// <summary>Rejects specs no network can be built from, naming the field. Families pass their spec through it as the
    /// base constructor's first spec argument, so it runs before any layer is built.</summary>
    protected static ModelSpec Validate(ModelSpec spec)
    {
        if (spec.NumClasses < 1) throw new ArgumentException($"{spec.Name}: NumClasses must be at least 1, got {spec.NumClasses}.");
        if (spec.InChannels < 1) throw new ArgumentException($"{spec.Name}: InChannels must be at least 1, got {spec.InChannels}.");
        if (spec.ImageSize < 1) throw new ArgumentException($"{spec.Name}: ImageSize must be at least 1, got {spec.ImageSize}.");
        if (!(spec.Width > 0) || double.IsInfinity(spec.Width))
            throw new ArgumentException($"{spec.Name}: Width must be a positive number, got {spec.Width}.");
        return spec;
    }

    /// <summary>Chains modules in order; used to group blocks into a stage.</summary>
    protected static ScopedSequential Chain(IEnumerable<nn.Module<Tensor, Tensor>> modules) =>
        new(modules.Select((m, i) => (i.ToString(), m)).ToArray());
}
