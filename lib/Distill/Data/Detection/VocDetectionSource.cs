using Distill.Models.Detection;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Data.Detection;

/// <summary>
/// A mini-batch for a detector: images [B, 3, S, S] resized to one square size, each image's ground truth in the
/// resized pixel coordinates, the image ids, and the factors (x, y) that took original pixels to resized ones.
/// </summary>
public sealed record DetectionBatch(Tensor Images, IReadOnlyList<DetectionTarget> Targets, IReadOnlyList<string> Ids,
                                    IReadOnlyList<(double X, double Y)> Scales) : IDisposable
{
    public void Dispose()
    {
        Images.Dispose();
        foreach (var t in Targets) { t.Boxes.Dispose(); t.Labels.Dispose(); }
    }
}

/// <summary>
/// Batches of a <see cref="VocDataset"/> split for Faster R-CNN training and evaluation: bilinear resize to a fixed
/// square size, optional random horizontal flip (the only augmentation of Faster R-CNN), difficult objects left out of
/// the training targets (as py-faster-rcnn does). <see cref="Epoch"/> is a pure function of (seed, epoch).
/// </summary>
public sealed class VocDetectionSource(VocDataset data, int imageSize, int batchSize, int seed = 0, bool shuffle = true, bool flip = true)
{
    public VocDataset Data => data;
    public int ImageSize => imageSize;
    public int BatchSize => batchSize;

    public IEnumerable<DetectionBatch> Epoch(int epoch, Device? device = null)
    {
        var rng = new Random(unchecked(seed * 7919 + epoch));
        var order = Enumerable.Range(0, data.Count).ToArray();
        if (shuffle) rng.Shuffle(order);
        for (int start = 0; start < order.Length; start += batchSize)
        {
            var indices = order[start..Math.Min(order.Length, start + batchSize)];
            yield return Load(indices, indices.Select(_ => flip && rng.Next(2) == 1).ToArray(), device ?? CPU);
        }
    }

    DetectionBatch Load(int[] indices, bool[] flips, Device device)
    {
        using var scope = NewDisposeScope();
        var images = new List<Tensor>();
        var targets = new List<DetectionTarget>();
        var ids = new List<string>();
        var scales = new List<(double, double)>();
        for (int k = 0; k < indices.Length; k++)
        {
            var annotation = data.Annotation(indices[k]);
            var image = data.Image(annotation).unsqueeze(0);
            image = nn.functional.interpolate(image, [imageSize, imageSize], mode: InterpolationMode.Bilinear, align_corners: false);
            double sx = (double)imageSize / annotation.Width, sy = (double)imageSize / annotation.Height;
            var kept = annotation.Objects.Where(o => !o.Difficult).ToList();
            var boxes = new float[kept.Count * 4];
            var labels = new long[kept.Count];
            for (int i = 0; i < kept.Count; i++)
            {
                var (x1, y1, x2, y2) = kept[i].Box.ToImage();
                (x1, x2) = flips[k] ? (annotation.Width - x2, annotation.Width - x1) : (x1, x2);
                boxes[4 * i] = (float)(x1 * sx);
                boxes[4 * i + 1] = (float)(y1 * sy);
                boxes[4 * i + 2] = (float)(x2 * sx);
                boxes[4 * i + 3] = (float)(y2 * sy);
                labels[i] = data.Label(kept[i].Name);
            }
            images.Add(flips[k] ? image.flip(3) : image);
            targets.Add(new DetectionTarget(tensor(boxes).view(-1, 4).to(device).MoveToOuterDisposeScope(), tensor(labels).to(device).MoveToOuterDisposeScope()));
            ids.Add(annotation.Id);
            scales.Add((sx, sy));
        }
        return new DetectionBatch(cat(images).to(device).MoveToOuterDisposeScope(), targets, ids, scales);
    }

    /// <summary>A batch's detections as VOC detections in the original images' coordinates (evaluation batches are not flipped).</summary>
    public List<VocDetection> ToVoc(DetectionBatch batch, IReadOnlyList<Detections> detections)
    {
        var result = new List<VocDetection>();
        for (int k = 0; k < detections.Count; k++)
        {
            if (detections[k].Scores.numel() == 0) continue;   // TorchSharp cannot copy an empty tensor to an array
            var boxes = detections[k].Boxes.cpu().data<float>().ToArray();
            var scores = detections[k].Scores.cpu().data<float>().ToArray();
            var labels = detections[k].Labels.cpu().data<long>().ToArray();
            var (sx, sy) = batch.Scales[k];
            for (int i = 0; i < scores.Length; i++)
                result.Add(new VocDetection(batch.Ids[k], data.Classes[(int)labels[i] - 1], scores[i],
                    VocBox.FromImage(boxes[4 * i] / sx, boxes[4 * i + 1] / sy, boxes[4 * i + 2] / sx, boxes[4 * i + 3] / sy)));
        }
        return result;
    }

    /// <summary>Runs <paramref name="detect"/> over the split (in order, unflipped) and evaluates with the VOC protocol.</summary>
    public VocEvaluation Evaluate(Func<Tensor, List<Detections>> detect, bool elevenPoint, Device? device = null)
    {
        if (shuffle || flip) throw new InvalidOperationException("Evaluate on a source made with shuffle: false, flip: false.");
        var detections = new List<VocDetection>();
        foreach (var batch in Epoch(0, device))
            using (batch)
                detections.AddRange(ToVoc(batch, detect(batch.Images)));
        var truth = Enumerable.Range(0, data.Count).Select(data.Annotation).ToList();
        return VocEvaluator.Evaluate(truth, detections, data.Classes, elevenPoint);
    }
}
