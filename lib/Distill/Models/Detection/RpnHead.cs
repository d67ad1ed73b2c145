using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Models.Detection;

/// <summary>
/// RPN head (Ren et al. 2015): a 3x3 conv with ReLU, then two sibling 1x1 convs giving one objectness logit and four
/// box deltas per anchor. Outputs are flattened in anchor order (position-major, A anchors per position):
/// logits [B, H*W*A] and deltas [B, H*W*A, 4].
/// </summary>
public sealed class RpnHead : nn.Module<Tensor, (Tensor Logits, Tensor Deltas)>
{
    readonly Conv2d conv;
    readonly Conv2d objectness;
    readonly Conv2d boxDeltas;
    readonly int anchorsPerPosition;

    public RpnHead(int inChannels, int anchorsPerPosition) : base(nameof(RpnHead))
    {
        this.anchorsPerPosition = anchorsPerPosition;
        conv = nn.Conv2d(inChannels, inChannels, 3, padding: 1);
        objectness = nn.Conv2d(inChannels, anchorsPerPosition, 1);
        boxDeltas = nn.Conv2d(inChannels, anchorsPerPosition * 4, 1);
        foreach (var layer in new[] { conv, objectness, boxDeltas })
        {
            nn.init.normal_(layer.weight!, std: 0.01);
            nn.init.zeros_(layer.bias!);
        }
        RegisterComponents();
    }

    public override (Tensor Logits, Tensor Deltas) forward(Tensor features)
    {
        using var scope = NewDisposeScope();
        var hidden = nn.functional.relu(conv.call(features));
        long b = features.shape[0], h = features.shape[2], w = features.shape[3];
        var logits = objectness.call(hidden).permute(0, 2, 3, 1).reshape(b, -1);
        var deltas = boxDeltas.call(hidden).view(b, anchorsPerPosition, 4, h, w).permute(0, 3, 4, 1, 2).reshape(b, -1, 4);
        return (logits.MoveToOuterDisposeScope(), deltas.MoveToOuterDisposeScope());
    }
}
