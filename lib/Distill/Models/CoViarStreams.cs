using Distill.Data.Video;

namespace Distill.Models;

/// <summary>
/// Zoo names of the CoViAR stream networks (Wu et al., CVPR 2018) on packed video input (<see cref="StreamLayout"/>):
/// "iframe-resnetD", "mv-resnetD", "residual-resnetD" (one stream, a <see cref="StreamSlice"/> around the ImageNet
/// ResNet of depth D with 3, 2 or 3 input channels) and "coviar-resnetD" (all three streams of depth D fused by equal
/// score weights, the multi-teacher paper's student with D = 18). The spec's InChannels must be 8 (one packed
/// segment); ImageSize and Width go to each stream's ResNet.
/// </summary>
public static class CoViarStreams
{
    /// <summary>The zoo name of stream <paramref name="stream"/> on ResNet-<paramref name="depth"/>.</summary>
    public static string Name(CompressedStream stream, int depth) => $"{StreamLayout.Key(stream)}-resnet{depth}";

    /// <summary>The zoo name of the fused three-stream network on ResNet-<paramref name="depth"/>.</summary>
    public static string FusedName(int depth) => $"coviar-resnet{depth}";

    /// <summary>The stream network of <paramref name="stream"/> for a packed-input spec.</summary>
    public static StreamSlice Create(ModelSpec spec, CompressedStream stream, int depth)
    {
        if (spec.InChannels != StreamLayout.Channels)
            throw new ArgumentException($"{spec.Name}: CoViAR stream networks read packed segments of {StreamLayout.Channels} channels; InChannels is {spec.InChannels}.");
        var inner = spec with { Name = $"resnet{depth}", InChannels = StreamLayout.Slice(stream).Count };
        return new StreamSlice(stream, new ResNet(inner, depth));
    }

    /// <summary>Registers the stream and fused names for every ImageNet ResNet depth.</summary>
    public static void Register()
    {
        foreach (var depth in ResNet.Configs.Keys)
        {
            foreach (var stream in StreamLayout.Streams)
                ModelZoo.Register(Name(stream, depth), spec => Create(spec, stream, depth));
            ModelZoo.Register(FusedName(depth), spec => new CoViarNet(StreamLayout.Streams.Select(s => Create(spec, s, depth)).ToList()));
        }
    }
}
