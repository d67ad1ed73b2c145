namespace Distill.Data.Detection;

/// <summary>
/// A PASCAL VOC bounding box as the devkit stores it: 1-based, inclusive pixel coordinates
/// (a box covering pixel columns 0..9 of an image is xmin 1, xmax 10).
/// </summary>
public readonly record struct VocBox(double XMin, double YMin, double XMax, double YMax)
{
    /// <summary>The box in continuous 0-based image coordinates (x1, y1, x2, y2), as the detectors use.</summary>
    public (double X1, double Y1, double X2, double Y2) ToImage() => (XMin - 1, YMin - 1, XMax, YMax);

    /// <summary>The VOC box of a continuous image-coordinate box.</summary>
    public static VocBox FromImage(double x1, double y1, double x2, double y2) => new(x1 + 1, y1 + 1, x2, y2);

    /// <summary>IoU as the VOC devkit computes it (inclusive coordinates, hence the +1).</summary>
    public double Iou(VocBox other)
    {
        double iw = Math.Min(XMax, other.XMax) - Math.Max(XMin, other.XMin) + 1;
        double ih = Math.Min(YMax, other.YMax) - Math.Max(YMin, other.YMin) + 1;
        if (iw <= 0 || ih <= 0) return 0;
        double inter = iw * ih;
        double union = (XMax - XMin + 1) * (YMax - YMin + 1) + (other.XMax - other.XMin + 1) * (other.YMax - other.YMin + 1) - inter;
        return inter / union;
    }
}

/// <summary>One annotated object: class name, box, and the VOC difficult / truncated flags.</summary>
public sealed record VocObject(string Name, VocBox Box, bool Difficult = false, bool Truncated = false);

/// <summary>One VOC annotation file: image id (file stem), image file name, size and objects.</summary>
public sealed record VocAnnotation(string Id, string FileName, int Width, int Height, int Depth, IReadOnlyList<VocObject> Objects);
