namespace Distill.Data;

/// <summary>
/// Generated stand-ins for the catalog data sets, same shapes and class counts as the real ones, with content a
/// model can learn: each class has its own colour, grating orientation and spatial frequency; every image draws a
/// random phase, contrast and uniform pixel noise in -32..31. Deterministic in (seed, split, index) and computed in parallel.
/// </summary>
public static class SyntheticImages
{
    /// <summary>A balanced, shuffled data set shaped like catalog set <paramref name="name"/>.</summary>
    public static ImageDataset Generate(string name, int trainCount, int testCount, int seed)
    {
        var info = DataCatalog.Info(name);
        var names = Enumerable.Range(0, info.NumClasses).Select(c => $"synthetic-{c:D3}").ToArray();
        var train = Split(info, trainCount, seed, 0);
        var test = Split(info, testCount, seed, 1);
        string[]? coarse = null;
        if (info.Name == Cifar100.Name)
        {
            coarse = Enumerable.Range(0, Cifar100.NumCoarseClasses).Select(c => $"synthetic-group-{c:D2}").ToArray();
            train = WithCoarse(train);
            test = WithCoarse(test);
        }
        return new ImageDataset(info.Name, names, train, test, coarse);
    }

    /// <summary>CIFAR-100's 5 fine classes per superclass: coarse = fine / 5.</summary>
    static ImageSplit WithCoarse(ImageSplit s) =>
        new(s.Shards, s.Labels, s.Channels, s.Height, s.Width, s.Labels.Select(l => l / 5).ToArray());

    static ImageSplit Split(DatasetInfo info, int count, int seed, int split)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), $"Image count must be non-negative, got {count}.");
        var labels = new long[count];
        for (int i = 0; i < count; i++) labels[i] = i % info.NumClasses;
        new Random((int)EpochPlan.SeedOf(seed, -1 - split)).Shuffle(labels);
        int side = info.Side, imageBytes = info.Channels * side * side;
        // Shards of at most 1 GiB keep large ImageNet-sized splits within .NET's array limit.
        int perShard = Math.Max(1, (1 << 30) / imageBytes);
        var shards = new byte[(count + perShard - 1) / perShard][];
        for (int s = 0; s < shards.Length; s++) shards[s] = new byte[(long)Math.Min(perShard, count - s * perShard) * imageBytes];
        Parallel.For(0, count, i =>
            Draw(shards[i / perShard].AsSpan(i % perShard * imageBytes, imageBytes), (int)labels[i], info, Mix(seed, split, i)));
        return new ImageSplit(shards, labels, info.Channels, side, side);
    }

    static void Draw(Span<byte> image, int label, DatasetInfo info, ulong state)
    {
        int side = info.Side, plane = side * side;
        // Class code: hue (label % 10), orientation (shifted by the tens digit so all 100 pairs differ), frequency (hundreds).
        int hue = label % 10, orientation = (label % 10 + label / 10) % 10, frequency = label / 100 % 10;
        if (info.Channels == 1) frequency = label % 3;
        double theta = Math.PI * orientation / 10;
        double cycles = 2.0 + frequency * 0.6;
        double k = 2 * Math.PI * cycles / side;
        double kx = k * Math.Cos(theta), ky = k * Math.Sin(theta);
        double phase = 2 * Math.PI * Uniform(ref state);
        double contrast = 45 + 25 * Uniform(ref state);
        // cos(kx x + ky y + phase) = cos(kx x + phase) cos(ky y) - sin(kx x + phase) sin(ky y): two tables per image.
        Span<float> cosX = stackalloc float[side], sinX = stackalloc float[side], cosY = stackalloc float[side], sinY = stackalloc float[side];
        for (int t = 0; t < side; t++)
        {
            (sinX[t], cosX[t]) = ((float)Math.Sin(kx * t + phase), (float)Math.Cos(kx * t + phase));
            (sinY[t], cosY[t]) = ((float)Math.Sin(ky * t), (float)Math.Cos(ky * t));
        }
        for (int c = 0; c < info.Channels; c++)
        {
            double colour = info.Channels == 1 ? 0.5 + 0.04 * hue : 0.5 + 0.45 * Math.Cos(2 * Math.PI * (hue / 10.0 - c / 3.0));
            float level = (float)(40 + 150 * colour), amplitude = (float)contrast;
            var target = image.Slice(c * plane, plane);
            ulong bits = 0;
            for (int p = 0; p < plane; p++)
            {
                if ((p & 7) == 0) bits = Next(ref state);
                int noise = (int)(bits >> (8 * (p & 7)) & 0x3f) - 32; // uniform in -32..31
                int y = p / side, x = p - y * side;
                float wave = cosX[x] * cosY[y] - sinX[x] * sinY[y];
                target[p] = (byte)Math.Clamp((int)(level + amplitude * wave) + noise, 0, 255);
            }
        }
    }

    static ulong Mix(int seed, int split, int index) => EpochPlan.SeedOf(seed * 2 + split, index) | 1;

    /// <summary>One xorshift64* step.</summary>
    static ulong Next(ref ulong state)
    {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        return state * 0x2545F4914F6CDD1DUL;
    }

    static double Uniform(ref ulong state) => (Next(ref state) >> 11) * (1.0 / (1UL << 53));
}
