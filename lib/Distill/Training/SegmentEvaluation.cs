using System.Diagnostics;
using Distill.Data;
using Distill.Models;
using Distill.Runtime;
using static TorchSharp.torch;

namespace Distill.Training;

/// <summary>Clip and video accuracy of a segment-consensus model, and its forward time per video.</summary>
/// <param name="ClipTop1">Fraction of single segments (clips) whose own scores rank the label first.</param>
/// <param name="VideoTop1">Fraction of videos whose segment-averaged scores rank the label first (TSN/CoViAR consensus).</param>
/// <param name="MillisecondsPerVideo">Forward time of the model per video (all its segments), data loading excluded.</param>
public sealed record SegmentScores(double ClipTop1, double VideoTop1, double MillisecondsPerVideo, int Videos, int Segments);

/// <summary>
/// Evaluates a model whose taps carry "segment_logits" [N, S, classes] (the CoViAR networks, <see cref="StreamSlice"/>,
/// <see cref="CoViarNet"/>) on every batch of epoch 0 of a source: each segment judged alone (clip accuracy) and the
/// average over a video's segments (video accuracy, what CoViAR reports with 25 test segments).
/// </summary>
public static class SegmentEvaluation
{
    public static SegmentScores Evaluate(DistillModel model, IBatchSource source)
    {
        bool wasTraining = model.training;
        model.eval();
        using var noGrad = no_grad();
        long videos = 0, clips = 0, clipHits = 0, videoHits = 0;
        var clock = new Stopwatch();
        try
        {
            foreach (var batch in source.Epoch(0))
            {
                using (batch)
                using (NewDisposeScope())
                {
                    clock.Start();
                    var taps = model.call(batch.Images);
                    var segments = taps[StreamSlice.SegmentLogits];
                    var clipPredictions = segments.argmax(2).cpu();
                    var videoPredictions = taps.Logits.argmax(1).cpu();
                    clock.Stop();
                    var labels = batch.Labels.cpu();
                    clipHits += clipPredictions.eq(labels.unsqueeze(1)).sum().item<long>();
                    videoHits += videoPredictions.eq(labels).sum().item<long>();
                    clips += clipPredictions.numel();
                    videos += labels.shape[0];
                }
            }
        }
        finally
        {
            model.train(wasTraining);
        }
        if (videos == 0) throw new InvalidOperationException("The evaluation source yielded no videos.");
        return new SegmentScores((double)clipHits / clips, (double)videoHits / videos, clock.Elapsed.TotalMilliseconds / videos,
            (int)videos, (int)(clips / videos));
    }
}
