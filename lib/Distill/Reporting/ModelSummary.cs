using Distill.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Reporting;

/// <summary>
/// Parameters, multiply-accumulates and FLOPs of a model, per layer and in total, for one input shape; counted from
/// the modules that actually run in a real forward pass (forward hooks on every leaf module), with the counting rules
/// of <see cref="LayerCosts"/>. Size is fp32 weights in MB of 2^20 bytes (the unit in which CoViAR's three teachers
/// come to ~310 MB). Tables of it (layers, teacher vs student) are in Distill.Reports' ModelTables.
/// </summary>
public sealed class ModelSummary
{
    ModelSummary(string model, long[] input, IReadOnlyList<LayerCost> layers, long parameters)
    {
        Model = model;
        Input = input;
        Layers = layers;
        Params = parameters;
    }

    /// <summary>Zoo name of the model.</summary>
    public string Model { get; }

    /// <summary>Input shape of one example, [C, H, W].</summary>
    public IReadOnlyList<long> Input { get; }

    /// <summary>Every leaf module run, in execution order.</summary>
    public IReadOnlyList<LayerCost> Layers { get; }

    /// <summary>All trainable parameters of the model.</summary>
    public long Params { get; }

    public long Macs => Layers.Sum(l => l.Macs);

    public long Flops => Layers.Sum(l => l.Flops);

    /// <summary>fp32 weights in MB (2^20 bytes).</summary>
    public double SizeMB => Params * 4.0 / (1 << 20);

    /// <summary>Builds the zoo model of <paramref name="spec"/> on the CPU and counts it for one
    /// [InChannels, ImageSize, ImageSize] example. (libtorch has no meta-device convolution, so the forward is real;
    /// ResNet-152 at 224x224 takes about a second.)</summary>
    public static ModelSummary Of(ModelSpec spec)
    {
        using var model = ModelZoo.Create(spec);
        return Of(model, spec.Name, [spec.InChannels, spec.ImageSize, spec.ImageSize]);
    }

    /// <summary>Counts <paramref name="model"/> for one example of shape <paramref name="input"/> ([C, H, W]) on the
    /// model's own device, in eval mode; the model's training mode is restored afterwards.</summary>
    public static ModelSummary Of(DistillModel model, string name, long[] input)
    {
        if (input.Length != 3 || input.Any(d => d <= 0))
            throw new ArgumentException($"Input shape must be [C, H, W] with positive sizes, got [{string.Join(", ", input)}].");
        var leaves = model.named_modules().Where(m => !m.module.children().Any()).ToList();
        var layers = new List<LayerCost>();
        var seen = new HashSet<nn.Module>(ReferenceEqualityComparer.Instance);
        var hooks = new List<Action>();

        void Record(string path, nn.Module module, IReadOnlyList<Tensor> inputs, Tensor output)
        {
            var (macs, flops) = LayerCosts.Of(module, inputs, output);
            long owned = seen.Add(module) ? module.parameters(recurse: false).Sum(p => p.numel()) : 0;
            layers.Add(new LayerCost(layers.Count, path, module.GetType().Name, Shape(inputs[0]), Shape(output), owned, macs, flops));
        }

        foreach (var (path, module) in leaves)
        {
            switch (module)
            {
                case nn.Module<Tensor, Tensor> unary:
                    var r1 = unary.register_forward_hook((m, x, y) => { Record(path, m, [x], y); return y; });
                    hooks.Add(r1.remove);
                    break;
                case nn.Module<Tensor, Tensor, Tensor> binary:
                    var r2 = binary.register_forward_hook((m, a, b, y) => { Record(path, m, [a, b], y); return y; });
                    hooks.Add(r2.remove);
                    break;
            }
        }

        bool wasTraining = model.training;
        try
        {
            model.eval();
            using var _ = no_grad();
            using var scope = NewDisposeScope();
            var device = model.parameters().First().device;
            model.call(zeros([1, .. input], device: device));
        }
        finally
        {
            foreach (var remove in hooks) remove();
            model.train(wasTraining);
        }

        var idle = leaves.Where(l => !seen.Contains(l.module) && l.module.parameters(recurse: false).Any()).Select(l => l.name).ToList();
        if (idle.Count > 0)
            throw new InvalidOperationException(
                $"{name}: modules with parameters never ran in the forward pass, so their cost is unknown: {string.Join(", ", idle)}.");
        return new ModelSummary(name, input, layers, model.parameters().Sum(p => p.numel()));
    }

    internal static string Shape(Tensor t) => string.Join("x", t.shape.Skip(1));

    static string Shape(IReadOnlyList<long> s) => string.Join("x", s);

    public override string ToString() =>
        $"{Model} [{Shape(Input)}]: {Params:N0} params ({SizeMB:F2} MB), {Macs:N0} MACs, {Flops:N0} FLOPs";
}
