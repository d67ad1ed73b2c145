using Distill.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Losses;

/// <summary>How the larger of two maps is brought to the smaller one's spatial size before their Gram matrix.</summary>
public enum GramPooling
{
    /// <summary>Adaptive average pooling (default): every position of the larger map contributes.</summary>
    Average,

    /// <summary>Adaptive max pooling, as the FSP paper (Yim et al. 2017) does where resolutions differ.</summary>
    Max,
}

/// <summary>
/// The FSP ("flow of solution procedure") matrix of Yim et al., "A Gift from Knowledge Distillation: Fast
/// Optimization, Network Minimization and Transfer Learning" (CVPR 2017): the Gram matrix between two feature maps
/// of one network, G[n, i, j] = sum over positions p of F1[n, i, p] * F2[n, j, p] / (h * w).
/// </summary>
public static class GramMatrix
{
    /// <summary>
    /// Gram matrix [N, C1, C2] of <paramref name="first"/> [N, C1, h1, w1] and <paramref name="second"/> [N, C2, h2, w2].
    /// Where resolutions differ, each map is pooled to the common size (min(h1, h2), min(w1, w2)) with
    /// <paramref name="pooling"/>, so only the larger map is changed; h * w in the normaliser is that common size.
    /// </summary>
    public static Tensor Compute(Tensor first, Tensor second, GramPooling pooling = GramPooling.Average)
    {
        if (first.dim() != 4 || second.dim() != 4)
            throw new ArgumentException(
                $"Gram matrix needs two [N, C, h, w] maps; got [{string.Join(", ", first.shape)}] and [{string.Join(", ", second.shape)}].");
        if (first.shape[0] != second.shape[0])
            throw new ArgumentException($"Gram matrix: batch sizes differ ({first.shape[0]} vs {second.shape[0]}).");
        long h = Math.Min(first.shape[2], second.shape[2]);
        long w = Math.Min(first.shape[3], second.shape[3]);
        var a = PoolTo(first, h, w, pooling).flatten(2);                       // [N, C1, h*w]
        var b = PoolTo(second, h, w, pooling).flatten(2).transpose(1, 2);      // [N, h*w, C2]
        // The 1 / (h*w) goes on the smaller of a and the product: for wide late stages the Gram matrix is the largest
        // tensor of the loss (MobileNet's (512, 1024) pair: 268 MB at batch 128), so no second copy of it is made.
        return h * w <= second.shape[1]
            ? bmm(a.DividedBy(h * w), b)
            : bmm(a, b).DividedBy(h * w);
    }

    static Tensor PoolTo(Tensor map, long h, long w, GramPooling pooling)
    {
        if (map.shape[2] == h && map.shape[3] == w) return map;
        var size = new[] { h, w };
        return pooling switch
        {
            GramPooling.Average => nn.functional.adaptive_avg_pool2d(map, size),
            GramPooling.Max => nn.functional.adaptive_max_pool2d(map, size),
            _ => throw new ArgumentOutOfRangeException(nameof(pooling), pooling, "Unknown Gram pooling."),
        };
    }
}
