namespace Distill.Data;

/// <summary>Per-channel mean and standard deviation of pixel values scaled to [0, 1], used to normalise inputs.</summary>
public sealed record ChannelStats(double[] Mean, double[] Std)
{
    /// <summary>CIFAR-10 train set (50000 images).</summary>
    public static ChannelStats Cifar10 { get; } = new([0.4914, 0.4822, 0.4465], [0.2470, 0.2435, 0.2616]);

    /// <summary>CIFAR-100 train set (50000 images).</summary>
    public static ChannelStats Cifar100 { get; } = new([0.5071, 0.4865, 0.4409], [0.2673, 0.2564, 0.2762]);

    /// <summary>Fashion-MNIST train set (60000 images).</summary>
    public static ChannelStats FashionMnist { get; } = new([0.2860], [0.3530]);

    /// <summary>The usual ImageNet statistics, also used for the 64x64 downsampled version.</summary>
    public static ChannelStats ImageNet { get; } = new([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]);

    /// <summary>No normalisation: the loader then yields pixel/255 in [0, 1].</summary>
    public static ChannelStats Identity(int channels) => new(new double[channels], Enumerable.Repeat(1.0, channels).ToArray());

    public int Channels => Mean.Length;

    /// <summary>Measures the statistics of a split exactly (population std over all pixels of each channel).</summary>
    public static ChannelStats Measure(ImageSplit split)
    {
        int c = split.Channels, plane = split.Height * split.Width;
        var sums = new long[c];
        var squares = new long[c];
        for (int i = 0; i < split.Count; i++)
        {
            var image = split.Image(i);
            for (int ch = 0; ch < c; ch++)
            {
                long sum = 0, square = 0;
                foreach (var v in image.Slice(ch * plane, plane)) { sum += v; square += v * v; }
                sums[ch] += sum;
                squares[ch] += square;
            }
        }
        double n = (double)split.Count * plane;
        var mean = sums.Select(s => s / n / 255.0).ToArray();
        var std = squares.Select((q, ch) => Math.Sqrt(Math.Max(q / n / (255.0 * 255.0) - mean[ch] * mean[ch], 0))).ToArray();
        return new ChannelStats(mean, std);
    }
}
