using Distill.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Tests.Losses;

/// <summary>Taps holding only logits, and a placeholder label tensor, for tests of logit-level KD terms.</summary>
static class LogitTaps
{
    public static Taps Of(Tensor logits) => new(logits, []);

    /// <summary>Labels for terms that do not read them.</summary>
    public static Tensor NoLabels => zeros(1, dtype: ScalarType.Int64);
}
