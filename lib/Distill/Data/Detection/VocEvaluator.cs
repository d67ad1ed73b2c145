namespace Distill.Data.Detection;

/// <summary>One detection to evaluate: image id, class name, confidence and box in VOC (1-based inclusive) coordinates.</summary>
public sealed record VocDetection(string ImageId, string ClassName, double Score, VocBox Box);

/// <summary>Per-class average precision and their mean.</summary>
public sealed record VocEvaluation(IReadOnlyDictionary<string, double> AveragePrecision, double MeanAveragePrecision, bool ElevenPoint);

/// <summary>
/// PASCAL VOC detection evaluation as the devkit's VOCevaldet: detections of a class sorted by decreasing confidence
/// are matched greedily to the unmatched ground truth of their image with the highest IoU; IoU &gt;= 0.5 is a true
/// positive, a second detection of the same object is a false positive, and a match to a "difficult" object counts
/// as neither. Difficult objects are not counted among the positives. AP is either the VOC2007 11-point interpolated
/// precision (mean over recall 0, 0.1, ..., 1 of the best precision at that recall or above) or the VOC2010+ area
/// under the monotone precision envelope. Classes without any non-difficult object are left out of the mean.
/// </summary>
public static class VocEvaluator
{
    public static VocEvaluation Evaluate(IReadOnlyList<VocAnnotation> groundTruth, IEnumerable<VocDetection> detections,
                                         IReadOnlyList<string> classes, bool elevenPoint, double iouThreshold = 0.5)
    {
        var byClass = detections.GroupBy(d => d.ClassName).ToDictionary(g => g.Key, g => g.ToList());
        var unknown = byClass.Keys.FirstOrDefault(k => !classes.Contains(k));
        if (unknown is not null) throw new ArgumentException($"Detections of class '{unknown}', which is not among {string.Join(", ", classes)}.");
        var ap = new Dictionary<string, double>();
        foreach (var cls in classes)
        {
            var (recall, precision, positives) = PrecisionRecall(groundTruth, byClass.GetValueOrDefault(cls) ?? [], cls, iouThreshold);
            if (positives > 0) ap[cls] = AveragePrecision(recall, precision, elevenPoint);
        }
        return new VocEvaluation(ap, ap.Count == 0 ? 0 : ap.Values.Average(), elevenPoint);
    }

    /// <summary>Cumulative recall and precision after each detection (by decreasing score) and the number of non-difficult objects.</summary>
    public static (double[] Recall, double[] Precision, int Positives) PrecisionRecall(
        IReadOnlyList<VocAnnotation> groundTruth, IReadOnlyList<VocDetection> detections, string cls, double iouThreshold = 0.5)
    {
        var objects = groundTruth.ToDictionary(a => a.Id, a => a.Objects.Where(o => o.Name == cls).ToArray());
        var taken = objects.ToDictionary(p => p.Key, p => new bool[p.Value.Length]);
        int positives = objects.Values.Sum(o => o.Count(x => !x.Difficult));
        var recall = new List<double>();
        var precision = new List<double>();
        int tp = 0, fp = 0;
        foreach (var d in detections.OrderByDescending(d => d.Score))
        {
            if (!objects.TryGetValue(d.ImageId, out var candidates))
                throw new ArgumentException($"Detection on image '{d.ImageId}', which has no ground truth.");
            int best = -1;
            double bestIou = double.NegativeInfinity;
            for (int j = 0; j < candidates.Length; j++)
            {
                double iou = d.Box.Iou(candidates[j].Box);
                if (iou > bestIou) (bestIou, best) = (iou, j);
            }
            if (best >= 0 && bestIou >= iouThreshold)
            {
                if (candidates[best].Difficult) continue;
                if (!taken[d.ImageId][best]) { taken[d.ImageId][best] = true; tp++; }
                else fp++;
            }
            else fp++;
            recall.Add(positives == 0 ? 0 : (double)tp / positives);
            precision.Add((double)tp / (tp + fp));
        }
        return (recall.ToArray(), precision.ToArray(), positives);
    }

    public static double AveragePrecision(double[] recall, double[] precision, bool elevenPoint) =>
        elevenPoint ? ElevenPoint(recall, precision) : Area(recall, precision);

    /// <summary>VOC2007: mean over t = 0, 0.1, ..., 1 of max precision at recall &gt;= t (0 if none).</summary>
    static double ElevenPoint(double[] recall, double[] precision)
    {
        double sum = 0;
        for (int i = 0; i <= 10; i++)
        {
            double t = i / 10.0, best = 0;
            for (int k = 0; k < recall.Length; k++)
                if (recall[k] >= t - 1e-12) best = Math.Max(best, precision[k]);
            sum += best;
        }
        return sum / 11;
    }

    /// <summary>VOC2010+: area under the precision envelope (precision made non-increasing in recall).</summary>
    static double Area(double[] recall, double[] precision)
    {
        var r = new double[recall.Length + 2];
        var p = new double[precision.Length + 2];
        recall.CopyTo(r, 1);
        precision.CopyTo(p, 1);
        r[^1] = 1;
        for (int i = p.Length - 2; i >= 0; i--) p[i] = Math.Max(p[i], p[i + 1]);
        double ap = 0;
        for (int i = 1; i < r.Length; i++)
            if (r[i] != r[i - 1]) ap += (r[i] - r[i - 1]) * p[i];
        return ap;
    }
}
