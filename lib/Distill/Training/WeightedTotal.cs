using Distill.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Training;

/// <summary>
/// The weights of a list of loss terms and their weighted sum, L = sum_i w_i * term_i, as both distillers
/// (<see cref="Distiller"/>, <see cref="Detection.DetectionDistiller"/>) take it: each term is computed, then added
/// with its weight in one kernel (add with alpha); a unit first weight needs no multiply at all.
/// </summary>
public sealed class WeightedTotal : IDisposable
{
    readonly Scalar[] scalars;   // made once: a double -> Scalar conversion per step would allocate a native handle

    public WeightedTotal(IReadOnlyList<double> weights)
    {
        Weights = weights.ToArray();
        scalars = Weights.Select(w => w.ToScalar()).ToArray();
    }

    public IReadOnlyList<double> Weights { get; }

    /// <summary>Computes term i with <paramref name="term"/> for every weight in order; returns the total and each term's unweighted value.</summary>
    public (Tensor Total, Tensor[] Values) Sum(Func<int, Tensor> term)
    {
        var values = new Tensor[scalars.Length];
        Tensor? total = null;
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = term(i);
            total = total is not null ? total.add(values[i], scalars[i])
                : Weights[i] == 1.0 ? values[i] : values[i].mul(scalars[i]);
        }
        return (total ?? throw new InvalidOperationException("No loss terms to sum."), values);
    }

    public void Dispose()
    {
        foreach (var s in scalars) s.Dispose();
    }
}
