using static TorchSharp.torch;

namespace Distill.Models;

/// <summary>
/// What a model hands to losses: its logits and taps of intermediate features.
/// Losses never reach into a model; they read taps.
/// </summary>
/// <param name="Logits">[N, classes] scores before softmax.</param>
/// <param name="Stages">The output of each stage, in forward order (e.g. ResNet's three groups).</param>
/// <param name="Named">Further taps by name (e.g. "pre_logits", "backbone").</param>
public sealed record Taps(Tensor Logits, IReadOnlyList<Tensor> Stages, IReadOnlyDictionary<string, Tensor> Named)
{
    public Taps(Tensor logits, IReadOnlyList<Tensor> stages) : this(logits, stages, new Dictionary<string, Tensor>()) { }

    public Tensor this[string name] => Named.TryGetValue(name, out var t)
        ? t
        : throw new KeyNotFoundException($"No tap named '{name}'. Taps: {string.Join(", ", Named.Keys)}");
}
