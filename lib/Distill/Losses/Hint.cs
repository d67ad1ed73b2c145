using Distill.Models;
using Distill.Models.Detection;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Losses;

/// <summary>
/// Hint learning with an adaptation layer (Romero et al. 2015, FitNets; used for detection by Chen et al. 2017, eq. 5):
/// L_hint = || a(V) - Z ||^2, the mean squared difference between the student's guided layer V passed through the
/// adaptation layer a (a 1x1 convolution from student to teacher channels) and the teacher's
/// hint layer Z. When the spatial resolutions differ the smaller map is zero-padded at the bottom and right.
/// The adaptation layer trains with the student and is discarded after training. Config name "hint", parameter "tap"
/// (the named tap of both networks, default "backbone": the last stage's map).
/// </summary>
public sealed class Hint : LossTerm
{
    readonly nn.Module<Tensor, Tensor> adaptation;
    readonly string tap;

    public const string Name = "hint";

    /// <summary>Config parameters of "hint".</summary>
    public sealed record Parameters
    {
        /// <summary>The named tap read from student and teacher (default "backbone").</summary>
        public string? Tap { get; init; }
    }

    Hint(nn.Module<Tensor, Tensor> adaptation, string tap) : base(Name)
    {
        this.adaptation = adaptation;
        this.tap = tap;
        RegisterComponents();
    }

    /// <summary>Hint between conv feature maps: adaptation is a 1x1 conv from student to teacher channels.</summary>
    public static Hint ForConv(int studentChannels, int teacherChannels, string tap = DetectionTaps.Backbone) =>
        new(nn.Conv2d(studentChannels, teacherChannels, 1), tap);

    public nn.Module<Tensor, Tensor> Adaptation => adaptation;

    public override Tensor Compute(Taps student, IReadOnlyList<Taps> teachers, Tensor labels)
    {
        if (teachers.Count != 1) throw new ArgumentException($"Hint learning takes one teacher; got {teachers.Count}.");
        return Loss(adaptation.forward(student[tap]), teachers[0][tap]);
    }

    /// <summary>Registers "hint": the tap's channels in student and (single) teacher are probed from their specs.</summary>
    internal static void RegisterIn() => LossRegistry.Register<Parameters>(Name, (p, context) =>
    {
        var ctx = LossRegistry.RequireContext(Name, context);
        var teacherSpec = ctx.SingleTeacher(Name);
        var tap = p.Tap ?? DetectionTaps.Backbone;
        int Channels(ModelSpec spec) => LossContext.Channels(spec).Named.TryGetValue(tap, out var c)
            ? c
            : throw new ArgumentException($"Loss term '{Name}': {spec.Name} has no tap '{tap}'; it taps {string.Join(", ", LossContext.Channels(spec).Named.Keys)}.");
        return ForConv(Channels(ctx.Student), Channels(teacherSpec), tap);
    });

    /// <summary>Mean squared difference between the adapted guided layer and the (detached) hint layer, padding as needed.</summary>
    public static Tensor Loss(Tensor adapted, Tensor hint)
    {
        using var scope = NewDisposeScope();
        hint = hint.detach();
        if (adapted.dim() != hint.dim() || adapted.shape[0] != hint.shape[0] || adapted.shape[1] != hint.shape[1])
            throw new ArgumentException($"Adapted guided layer [{string.Join(", ", adapted.shape)}] does not match hint layer [{string.Join(", ", hint.shape)}] in batch or channels.");
        if (adapted.dim() == 4)
        {
            long h = Math.Max(adapted.shape[2], hint.shape[2]), w = Math.Max(adapted.shape[3], hint.shape[3]);
            adapted = PadTo(adapted, h, w);
            hint = PadTo(hint, h, w);
        }
        return nn.functional.mse_loss(adapted, hint).MoveToOuterDisposeScope();
    }

    static Tensor PadTo(Tensor map, long height, long width) =>
        map.shape[2] == height && map.shape[3] == width
            ? map
            : nn.functional.pad(map, [0, width - map.shape[3], 0, height - map.shape[2]]);
}
