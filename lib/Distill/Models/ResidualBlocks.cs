using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static Distill.Models.Layers;

namespace Distill.Models;

/// <summary>
/// How a residual block matches its shortcut to a changed shape (He et al. 2016, "Deep Residual Learning", section 4.2).
/// </summary>
public enum Shortcut
{
    /// <summary>Option A: parameter-free; subsample by the stride and zero-pad the new channels (the CIFAR ResNets).</summary>
    A,
    /// <summary>Option B: 1x1 projection conv + batch norm where the shape changes, identity elsewhere (ImageNet ResNets).</summary>
    B,
}

/// <summary>Option-A shortcut: x[:, :, ::s, ::s] zero-padded from cin to cout channels. No parameters, no arithmetic.</summary>
public sealed class ZeroPadShortcut : nn.Module<Tensor, Tensor>
{
    readonly long stride, before, after;

    public ZeroPadShortcut(long cin, long cout, long stride) : base(nameof(ZeroPadShortcut))
    {
        this.stride = stride;
        before = (cout - cin) / 2;
        after = cout - cin - before;
    }

    public override Tensor forward(Tensor x)
    {
        var sub = stride == 1 ? x : x[TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(null, null, stride), TensorIndex.Slice(null, null, stride)];
        return before == 0 && after == 0 ? sub : nn.functional.pad(sub, [0, 0, 0, 0, before, after]);
    }
}

/// <summary>Two 3x3 convs with a shortcut: the block of ResNet-18/34 and of every CIFAR ResNet (6n+2).</summary>
public sealed class BasicBlock : nn.Module<Tensor, Tensor>
{
    public const int Expansion = 1;

    readonly Conv2d conv1, conv2;
    readonly HeldBatchNorm2d bn1, bn2;
    readonly ReLU relu1, relu2;
    readonly nn.Module<Tensor, Tensor>? shortcut;
    readonly ResidualAdd add = new();

    public BasicBlock(long cin, long cout, long stride, Shortcut kind) : base(nameof(BasicBlock))
    {
        conv1 = Conv(cin, cout, 3, stride);
        bn1 = new HeldBatchNorm2d(cout);
        relu1 = nn.ReLU(inplace: true);
        conv2 = Conv(cout, cout, 3);
        bn2 = new HeldBatchNorm2d(cout);
        relu2 = nn.ReLU(inplace: true);
        if (stride != 1 || cin != cout)
            shortcut = kind == Shortcut.A
                ? new ZeroPadShortcut(cin, cout, stride)
                : new ScopedSequential(("conv", Conv(cin, cout, 1, stride)), ("bn", new HeldBatchNorm2d(cout)));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = bn2.call(conv2.call(relu1.call(bn1.call(conv1.call(x)))));
        return scope.MoveToOuter(relu2.call(add.call(y, shortcut is null ? x : shortcut.call(x))));
    }
}

/// <summary>1x1 reduce, 3x3 (carries the stride, "ResNet v1.5"), 1x1 expand by 4: the block of ResNet-50/101/152.</summary>
public sealed class Bottleneck : nn.Module<Tensor, Tensor>
{
    public const int Expansion = 4;

    readonly Conv2d conv1, conv2, conv3;
    readonly HeldBatchNorm2d bn1, bn2, bn3;
    readonly ReLU relu1, relu2, relu3;
    readonly nn.Module<Tensor, Tensor>? shortcut;
    readonly ResidualAdd add = new();

    public Bottleneck(long cin, long planes, long stride) : base(nameof(Bottleneck))
    {
        long cout = planes * Expansion;
        conv1 = Conv(cin, planes, 1);
        bn1 = new HeldBatchNorm2d(planes);
        relu1 = nn.ReLU(inplace: true);
        conv2 = Conv(planes, planes, 3, stride);
        bn2 = new HeldBatchNorm2d(planes);
        relu2 = nn.ReLU(inplace: true);
        conv3 = Conv(planes, cout, 1);
        bn3 = new HeldBatchNorm2d(cout);
        relu3 = nn.ReLU(inplace: true);
        if (stride != 1 || cin != cout)
            shortcut = new ScopedSequential(("conv", Conv(cin, cout, 1, stride)), ("bn", new HeldBatchNorm2d(cout)));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = relu2.call(bn2.call(conv2.call(relu1.call(bn1.call(conv1.call(x))))));
        y = bn3.call(conv3.call(y));
        return scope.MoveToOuter(relu3.call(add.call(y, shortcut is null ? x : shortcut.call(x))));
    }
}
