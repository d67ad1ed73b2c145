using Distill.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Losses;

/// <summary>
/// Student-side 1x1 convolutions (no bias) that map each student stage to its teacher stage's channel count where the
/// two differ, so Gram matrices of student and teacher have the same shape (the regressor idea of FitNets, Romero et
/// al. 2015, as used by the cross-layer KD of Chou et al. 2020). Stages whose channels already match pass through.
/// Built from known channel counts so an optimiser sees every weight from the start; owned by a loss term, trained
/// with the student, and dropped after training (not part of the student's size).
/// </summary>
public sealed class ChannelAdaptation : nn.Module
{
    readonly nn.Module<Tensor, Tensor>?[] byStage;

    /// <param name="studentChannels">Channels of each student layer.</param>
    /// <param name="teacherChannels">Channels of each teacher layer, matched one to one.</param>
    /// <param name="stem">Whether layer 0 is the stem output (its convolution is named "stem"; stage i's is "stage{i}" either way).</param>
    public ChannelAdaptation(IReadOnlyList<int> studentChannels, IReadOnlyList<int> teacherChannels, bool stem = false) : base(nameof(ChannelAdaptation))
    {
        if (studentChannels.Count != teacherChannels.Count)
            throw new ArgumentException(
                $"Channel adaptation: student has {studentChannels.Count} stages, teacher {teacherChannels.Count}; stages are matched one to one.");
        for (int i = 0; i < studentChannels.Count; i++)
            if (studentChannels[i] <= 0 || teacherChannels[i] <= 0)
                throw new ArgumentException(
                    $"Channel adaptation: stage {i} has channel counts student {studentChannels[i]}, teacher {teacherChannels[i]}; both must be positive.");
        StudentChannels = studentChannels.ToArray();
        TeacherChannels = teacherChannels.ToArray();
        byStage = new nn.Module<Tensor, Tensor>?[StudentChannels.Count];
        for (int i = 0; i < byStage.Length; i++)
        {
            if (StudentChannels[i] == TeacherChannels[i]) continue;
            var conv = nn.Conv2d(StudentChannels[i], TeacherChannels[i], kernel_size: 1, bias: false);
            register_module(stem ? (i == 0 ? "stem" : $"stage{i - 1}") : $"stage{i}", conv);   // parameter name: stem.weight, stage{i}.weight
            byStage[i] = conv;
        }
    }

    /// <summary>
    /// Channel count of every stage in <paramref name="taps"/> (e.g. from one probe forward pass of a model), the
    /// numbers the Gram terms and this adaptation are built from.
    /// </summary>
    public static IReadOnlyList<int> ChannelsOf(Taps taps) =>
        taps.Stages.Select((s, i) => s.dim() == 4
            ? (int)s.shape[1]
            : throw new ArgumentException($"Stage {i} tap is [{string.Join(", ", s.shape)}]; stage taps must be [N, C, h, w].")).ToArray();

    public IReadOnlyList<int> StudentChannels { get; }
    public IReadOnlyList<int> TeacherChannels { get; }

    /// <summary>Whether stage <paramref name="stage"/> has a 1x1 convolution (channel counts differ).</summary>
    public bool IsAdapted(int stage) => byStage[stage] is not null;

    /// <summary>Maps the student's stage output [N, Cs, h, w] to [N, Ct, h, w]; identity where Cs = Ct.</summary>
    public Tensor Adapt(int stage, Tensor studentStage)
    {
        if (stage < 0 || stage >= byStage.Length)
            throw new ArgumentOutOfRangeException(nameof(stage), stage, $"Channel adaptation was built for {byStage.Length} stages.");
        if (studentStage.dim() != 4 || studentStage.shape[1] != StudentChannels[stage])
            throw new ArgumentException(
                $"Channel adaptation: student stage {stage} is [{string.Join(", ", studentStage.shape)}]; " +
                $"built for [N, {StudentChannels[stage]}, h, w].");
        return byStage[stage] is { } conv ? conv.forward(studentStage) : studentStage;
    }
}
