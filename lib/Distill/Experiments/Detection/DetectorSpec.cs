using Distill.Models.Detection;

namespace Distill.Experiments.Detection;

/// <summary>
/// A Faster R-CNN (Ren et al. 2015) as data: a VGG-style backbone (stage widths, 3x3 convs per stage; stride
/// 2^(stages - 1)), anchor sizes and aspect ratios, and the RPN and box-head settings (the box head's width is
/// <see cref="RoiHeadsSettings.RepresentationSize"/>). Teacher and students of Chen et al. (2017) differ here only.
/// </summary>
public sealed record DetectorSpec
{
    public required string Name { get; init; }
    public required IReadOnlyList<int> Widths { get; init; }
    public int ConvsPerStage { get; init; } = 1;
    public required IReadOnlyList<double> AnchorSizes { get; init; }
    public IReadOnlyList<double> AspectRatios { get; init; } = [0.5, 1.0, 2.0];
    public RpnSettings Rpn { get; init; } = new();
    public RoiHeadsSettings Head { get; init; } = new();

    public int Stride => 1 << (Widths.Count - 1);
    public int OutChannels => Widths[^1];

    /// <summary>A freshly initialised detector for <paramref name="numClasses"/> object classes (background not counted).</summary>
    public FasterRcnn Create(int numClasses)
    {
        var backbone = new VggBackbone(Name, Widths, ConvsPerStage);
        return new FasterRcnn(backbone, numClasses, new AnchorGenerator(AnchorSizes, AspectRatios, backbone.Stride), Rpn, Head);
    }

    public bool Equals(DetectorSpec? other) =>
        other is not null && Name == other.Name && Widths.SequenceEqual(other.Widths) && ConvsPerStage == other.ConvsPerStage &&
        AnchorSizes.SequenceEqual(other.AnchorSizes) && AspectRatios.SequenceEqual(other.AspectRatios) && Rpn == other.Rpn && Head == other.Head;

    public override int GetHashCode() => HashCode.Combine(Name, Widths.Count, ConvsPerStage, AnchorSizes.Count, Rpn, Head);
}
