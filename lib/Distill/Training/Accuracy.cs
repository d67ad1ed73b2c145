using static TorchSharp.torch;

namespace Distill.Training;

/// <summary>Top-k accuracy counts, kept on the device so that a training step never waits for the host.</summary>
public static class Accuracy
{
    /// <summary>[] int64 tensor: how many rows have the label as their largest logit (an argmax, cheaper than top-k).</summary>
    public static Tensor Top1Correct(Tensor logits, Tensor labels)
    {
        using var _ = no_grad();
        using var predicted = logits.argmax(1);
        using var hits = predicted.eq(labels);
        return hits.sum();
    }

    /// <summary>[2] int64 tensor: how many rows have the label among the top 1 and among the top <paramref name="k"/> logits.</summary>
    public static Tensor TopKCorrect(Tensor logits, Tensor labels, int k = 5)
    {
        k = (int)Math.Min(k, logits.shape[1]);
        var (_, top) = logits.detach().topk(k, dim: 1);
        var hits = top.eq(labels.unsqueeze(1));
        return stack([hits.select(1, 0).sum(), hits.any(1).sum()]);
    }
}
