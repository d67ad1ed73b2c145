using Distill.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Models.Detection;

/// <summary>
/// Faster R-CNN anchors (Ren et al. 2015, section 3.1.1): at every feature-map position, one box per
/// (size, aspect ratio) pair, centred on the position's receptive-field centre ((x + 0.5) stride, (y + 0.5) stride).
/// Aspect ratio r = height / width, and each anchor keeps the area size^2 (w = size / sqrt(r), h = size sqrt(r)).
/// Order: position-major (row by row, left to right), anchors of one position in (ratio, size) order — the same
/// order as the RPN head's A channels, so anchor i of the flattened list matches logit i.
/// </summary>
public sealed class AnchorGenerator
{
    public AnchorGenerator(IReadOnlyList<double> sizes, IReadOnlyList<double> aspectRatios, int stride)
    {
        if (sizes.Count == 0 || aspectRatios.Count == 0) throw new ArgumentException("Anchors need at least one size and one aspect ratio.");
        if (stride <= 0) throw new ArgumentOutOfRangeException(nameof(stride), stride, "Stride must be positive.");
        Sizes = sizes;
        AspectRatios = aspectRatios;
        Stride = stride;
    }

    public IReadOnlyList<double> Sizes { get; }
    public IReadOnlyList<double> AspectRatios { get; }
    public int Stride { get; }

    /// <summary>Anchors per feature-map position.</summary>
    public int PerPosition => Sizes.Count * AspectRatios.Count;

    /// <summary>The A base anchors [A, 4] centred on the origin.</summary>
    public Tensor BaseAnchors()
    {
        var rows = new List<float>();
        foreach (var ratio in AspectRatios)
            foreach (var size in Sizes)
            {
                double w = size / Math.Sqrt(ratio), h = size * Math.Sqrt(ratio);
                rows.AddRange([(float)(-w / 2), (float)(-h / 2), (float)(w / 2), (float)(h / 2)]);
            }
        return tensor(rows.ToArray()).view(-1, 4);
    }

    /// <summary>All anchors [H * W * A, 4] of a <paramref name="featureHeight"/> x <paramref name="featureWidth"/> map.</summary>
    public Tensor Generate(int featureHeight, int featureWidth, Device? device = null)
    {
        using var scope = NewDisposeScope();
        var xs = Centres(featureWidth);
        var ys = Centres(featureHeight);
        var grid = meshgrid([ys, xs], indexing: "ij");
        var cy = grid[0].reshape(-1);
        var cx = grid[1].reshape(-1);
        var shifts = stack([cx, cy, cx, cy], 1);
        var anchors = shifts[.., TensorIndex.None, ..].Plus(BaseAnchors()[TensorIndex.None, .., ..]).reshape(-1, 4);
        return anchors.to(device ?? CPU).MoveToOuterDisposeScope();
    }

    /// <summary>(i + 0.5) * stride for i in 0..count-1, float32.</summary>
    Tensor Centres(int count) => tensor(Enumerable.Range(0, count).Select(i => (i + 0.5f) * Stride).ToArray());
}
