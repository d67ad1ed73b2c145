namespace Distill.Data;

/// <summary>
/// How a <see cref="DeviceImageLoader"/> turns a split into batches. The defaults are evaluation settings: fixed order,
/// no augmentation, a last partial batch. Training uses shuffling, random crops with zero padding and flips
/// (the standard CIFAR recipe of He et al. 2016, used by the KD papers).
/// </summary>
/// <param name="Stats">Per-channel mean/std for normalisation (<see cref="ChannelStats.Identity"/> for pixel/255).</param>
/// <param name="CropPadding">Zero padding on each side before a random crop back to the original size; 0 disables.</param>
/// <param name="Flip">Flip each example horizontally with probability 1/2.</param>
/// <param name="DropLast">Skip the last batch when it is smaller than <paramref name="BatchSize"/>.</param>
/// <param name="Seed">With the epoch index, the only source of randomness: order and augmentation of an epoch.</param>
public sealed record LoaderOptions(int BatchSize, ChannelStats Stats, bool Shuffle = false, int CropPadding = 0,
    bool Flip = false, bool DropLast = false, int Seed = 0)
{
    public bool Augments => CropPadding > 0 || Flip;
}
