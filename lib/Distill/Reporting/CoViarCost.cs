namespace Distill.Reporting;

/// <summary>
/// Size and compute of a CoViAR-style network (Wu et al. 2018, "Compressed Video Action Recognition"): one CNN on
/// I-frames, one on motion vectors, one on residuals. CoViAR re-encodes video as MPEG-4 Part 2 with a GOP of 12 frames
/// (1 I-frame + 11 P-frames); the I-frame network runs on 1 frame in 12 and the two P-frame networks on the other 11,
/// so the cost per frame is (I + 11 (MV + R)) / 12. That amortised cost is how CoViAR reports ~4.2 GFLOPs for
/// ResNet-152 + 2 x ResNet-18, and how the multi-teacher paper's student comes out ~1.2x cheaper.
/// </summary>
public sealed record CoViarCost(ModelSummary IFrame, ModelSummary MotionVector, ModelSummary Residual, int Gop = 12)
{
    public long Params => IFrame.Params + MotionVector.Params + Residual.Params;

    public double SizeMB => IFrame.SizeMB + MotionVector.SizeMB + Residual.SizeMB;

    /// <summary>MACs when each stream runs once (one segment with an I-frame, a motion-vector and a residual input).</summary>
    public long MacsPerSegment => IFrame.Macs + MotionVector.Macs + Residual.Macs;

    /// <summary>MACs per decoded frame, amortised over a GOP: (I + (GOP - 1)(MV + R)) / GOP.</summary>
    public double MacsPerFrame => Gop < 1
        ? throw new ArgumentOutOfRangeException(nameof(Gop), Gop, "GOP size must be at least 1.")
        : (IFrame.Macs + (Gop - 1.0) * (MotionVector.Macs + Residual.Macs)) / Gop;
}
