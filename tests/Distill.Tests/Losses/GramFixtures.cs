using static TorchSharp.torch;

namespace Distill.Tests.Losses;

/// <summary>Small integer feature maps whose Gram matrices are worked out by hand in the tests.</summary>
static class GramFixtures
{
    /// <summary>[1, 2, 2, 2]: channel a = [[1, 2], [3, 4]], channel b = [[0, 1], [1, 0]].</summary>
    public static Tensor F1() => Map(1, 2, 2, 2, 1, 2, 3, 4, /**/ 0, 1, 1, 0);

    /// <summary>[1, 2, 2, 2]: channel c = [[1, 0], [0, 1]], channel d = [[2, 2], [1, 1]].</summary>
    public static Tensor F2() => Map(1, 2, 2, 2, 1, 0, 0, 1, /**/ 2, 2, 1, 1);

    /// <summary>
    /// [1, 1, 4, 4] whose 2x2 blocks average to [[2, 1], [6, 4]] and have maxima [[3, 2], [7, 4]]:
    /// top-left {1, 3, 1, 3}, top-right {0, 2, 2, 0}, bottom-left {5, 7, 5, 7}, bottom-right {4, 4, 4, 4}.
    /// </summary>
    public static Tensor P() => Map(1, 1, 4, 4,
        1, 3, 0, 2,
        1, 3, 2, 0,
        5, 7, 4, 4,
        5, 7, 4, 4);

    public static Tensor Map(long n, long c, long h, long w, params double[] values) =>
        tensor(values, dtype: ScalarType.Float64).reshape(n, c, h, w);

    public static double[] Values(Tensor t) => t.contiguous().data<double>().ToArray();
}
