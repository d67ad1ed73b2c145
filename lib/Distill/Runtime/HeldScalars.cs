using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Runtime;

/// <summary>
/// Tensor arithmetic with numbers whose Scalars outlive the native call. TorchSharp 0.107 turns a plain number given to a
/// tensor operation (t * 0.5, t.clamp_min(0), and the alpha 1 that a + b passes) into a Scalar that only its finalizer
/// frees and that nothing keeps alive once its handle is read, so a collection started on another thread can free it
/// while libtorch still reads it (TorchSharp PRs #1434 and #1496; environment/GPU.md). Here each number becomes a Scalar
/// that is disposed only after the call returns, and the alpha of an addition is one Scalar that is never freed.
/// An int or long argument stays an integer Scalar, so integer tensors keep their dtype, as with the operators.
/// </summary>
public static class HeldScalars
{
    static readonly Scalar One = 1.ToScalar();

    /// <summary>a + b.</summary>
    public static Tensor Plus(this Tensor a, Tensor b) => a.add(b, One);

    /// <summary>a += b, in place.</summary>
    public static Tensor PlusInPlace(this Tensor a, Tensor b) => a.add_(b, One);

    public static Tensor PlusInPlace(this Tensor a, long value) { using var s = value.ToScalar(); return a.add_(s, One); }

    public static Tensor Plus(this Tensor a, double value) { using var s = value.ToScalar(); return a.add(s, One); }
    public static Tensor Plus(this Tensor a, long value) { using var s = value.ToScalar(); return a.add(s, One); }
    public static Tensor Minus(this Tensor a, double value) { using var s = value.ToScalar(); return a.sub(s); }
    public static Tensor Times(this Tensor a, double value) { using var s = value.ToScalar(); return a.mul(s); }
    public static Tensor Times(this Tensor a, long value) { using var s = value.ToScalar(); return a.mul(s); }
    public static Tensor DividedBy(this Tensor a, double value) { using var s = value.ToScalar(); return a.div(s); }

    /// <summary>value - a.</summary>
    public static Tensor From(this Tensor a, double value) { using var s = value.ToScalar(); return a.negative().add(s, One); }
    public static Tensor From(this Tensor a, long value) { using var s = value.ToScalar(); return a.negative().add(s, One); }

    /// <summary>a^2 as TorchSharp's square() computes it (pow with the integer exponent 2).</summary>
    public static Tensor Squared(this Tensor a) { using var two = 2.ToScalar(); return a.pow(two); }

    public static Tensor ClampMin(this Tensor a, double min) { using var s = min.ToScalar(); return a.clamp_min(s); }
    public static Tensor ClampMin(this Tensor a, long min) { using var s = min.ToScalar(); return a.clamp_min(s); }
    public static Tensor ClampMax(this Tensor a, double max) { using var s = max.ToScalar(); return a.clamp_max(s); }
    public static Tensor Clamp(this Tensor a, double min, double max)
    {
        using var lo = min.ToScalar();
        using var hi = max.ToScalar();
        return a.clamp(lo, hi);
    }

    /// <summary>0, 1, ..., count - 1 as int64, like arange(count) without its implicit start and step Scalars.</summary>
    public static Tensor Range(long count, Device? device = null)
    {
        using var start = 0L.ToScalar();
        using var stop = count.ToScalar();
        using var step = 1L.ToScalar();
        return arange(start, stop, step, dtype: int64, device: device);
    }

    public static Tensor Above(this Tensor a, double value) { using var s = value.ToScalar(); return a.gt(s); }
    public static Tensor AtLeast(this Tensor a, double value) { using var s = value.ToScalar(); return a.ge(s); }
    public static Tensor Below(this Tensor a, double value) { using var s = value.ToScalar(); return a.lt(s); }
    public static Tensor AtMost(this Tensor a, double value) { using var s = value.ToScalar(); return a.le(s); }
}
