using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Models.Detection;

/// <summary>
/// Faster R-CNN mini-batch sampling of matched predictions: up to <see cref="BatchSizePerImage"/> per image, of which
/// at most <see cref="PositiveFraction"/> are positives; negatives fill the rest. RPN: 256 and 0.5; box head: 128 and 0.25.
/// Draws come from the given <see cref="Random"/>, so a seed fixes the sample.
/// </summary>
public sealed class BalancedSampler(int batchSizePerImage, double positiveFraction)
{
    public int BatchSizePerImage => batchSizePerImage;
    public double PositiveFraction => positiveFraction;

    /// <summary>Indices (int64, CPU) of the sampled positives and negatives of one image's labels from <see cref="Matcher.Match"/>.</summary>
    public (Tensor Positives, Tensor Negatives) Sample(Tensor matchLabels, Random rng)
    {
        var labels = matchLabels.cpu().data<long>().ToArray();
        var positives = new List<long>();
        var negatives = new List<long>();
        for (long i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= 0) positives.Add(i);
            else if (labels[i] == Matcher.Background) negatives.Add(i);
        }
        int numPositive = Math.Min(positives.Count, (int)(batchSizePerImage * positiveFraction));
        int numNegative = Math.Min(negatives.Count, batchSizePerImage - numPositive);
        return (tensor(Draw(positives, numPositive, rng)), tensor(Draw(negatives, numNegative, rng)));
    }

    /// <summary>A uniform random subset of <paramref name="count"/> items (partial Fisher-Yates), in drawn order.</summary>
    static long[] Draw(List<long> items, int count, Random rng)
    {
        var pool = items.ToArray();
        for (int i = 0; i < count; i++)
        {
            int j = rng.Next(i, pool.Length);
            (pool[i], pool[j]) = (pool[j], pool[i]);
        }
        return pool[..count];
    }
}
