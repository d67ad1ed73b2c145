using Distill.Models;
using Distill.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Losses;

/// <summary>
/// Multi-teacher knowledge distillation (Wu, Chiu and Wu, "Multi-teacher Knowledge Distillation for Compressed Video
/// Action Recognition on Deep Neural Networks", ICASSP 2019): the student matches every teacher's softened scores,
/// weighted per teacher:  L = T^2 * sum_k w_k * (1/N) sum_n KL(softmax(z_k / T) || softmax(z_S / T)),  with the weights
/// normalised to sum to 1 (equal when not given). Teacher k is the k-th teacher of the experiment (for CoViAR: I-frame,
/// motion-vector, residual network). Its gradient in the student's logits is T (p_S - sum_k w_k p_k), the same as the
/// KL to the weighted mixture of the teachers' soft targets; the value differs from that by the teachers' entropy
/// terms, and per-teacher divergences are what one wants to log.
/// Parameters: "temperature" (default 4) and "weight_0", "weight_1", ... (one per teacher, all or none).
/// </summary>
public sealed class MultiTeacher : LossTerm
{
    public const string Name = "multi_teacher";
    const string WeightPrefix = "weight_";

    readonly double[]? weights;

    public MultiTeacher(double temperature = 4.0, IReadOnlyList<double>? weights = null) : base(nameof(MultiTeacher))
    {
        SoftTargetKl.ValidateTemperature(temperature, Name);
        Temperature = temperature;
        if (weights is null) return;
        if (weights.Count == 0 || weights.Any(w => !(w >= 0) || double.IsInfinity(w)) || weights.Sum() <= 0)
            throw new ArgumentException($"{Name}: teacher weights must be finite, non-negative and not all 0; got [{string.Join(", ", weights)}].");
        double sum = weights.Sum();
        this.weights = weights.Select(w => w / sum).ToArray();
    }

    public double Temperature { get; }

    /// <summary>The normalised per-teacher weights, or null for equal weights.</summary>
    public IReadOnlyList<double>? Weights => weights;

    public override string Key => Name;

    public override Tensor Compute(Taps student, IReadOnlyList<Taps> teachers, Tensor labels)
    {
        if (teachers.Count == 0) throw new InvalidOperationException($"The '{Name}' loss term needs at least one teacher.");
        if (weights is not null && weights.Length != teachers.Count)
            throw new InvalidOperationException($"The '{Name}' loss term has {weights.Length} teacher weights but the experiment has {teachers.Count} teachers.");
        Tensor? total = null;
        for (int k = 0; k < teachers.Count; k++)
        {
            var target = SoftTargetKl.LogSoften(teachers[k].Logits, Temperature);
            var term = SoftTargetKl.Compute(target, student.Logits, Temperature).Times(weights?[k] ?? 1.0 / teachers.Count);
            total = total is null ? term : total.Plus(term);
        }
        return total!;
    }

    internal static void RegisterIn() => LossRegistry.Register(Name, spec =>
    {
        var unknown = spec.Parameters.Keys.Where(k => k != "temperature" && !IsWeight(k)).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"Loss term '{Name}' has no parameter(s) {string.Join(", ", unknown)}. Known: temperature, {WeightPrefix}0, {WeightPrefix}1, ...");
        int count = spec.Parameters.Keys.Count(IsWeight);
        var weights = Enumerable.Range(0, count).Select(k => spec.Parameters.TryGetValue(WeightPrefix + k, out var w)
            ? w
            : throw new ArgumentException($"Loss term '{Name}' has {count} teacher weights but no {WeightPrefix}{k}; number them 0..{count - 1}.")).ToArray();
        return new MultiTeacher(spec.Get("temperature", 4.0), count == 0 ? null : weights);
    });

    /// <summary>The spec of this term with per-teacher <paramref name="weights"/>.</summary>
    public static LossSpec Spec(double weight, double temperature, IReadOnlyList<double> weights) =>
        new(Name, weight, new Dictionary<string, double>(weights.Select((w, k) => KeyValuePair.Create(WeightPrefix + k, w)))
            { ["temperature"] = temperature });

    static bool IsWeight(string key) => key.StartsWith(WeightPrefix, StringComparison.Ordinal) && int.TryParse(key.AsSpan(WeightPrefix.Length), out var k) && k >= 0;
}
