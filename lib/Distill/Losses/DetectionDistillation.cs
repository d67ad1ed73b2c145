using Distill.Models;
using Distill.Models.Detection;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Losses;

/// <summary>
/// The objective of Chen et al. (2017, eq. 1), L = L_RPN + L_RCN + gamma L_hint, as a list of loss terms in a config:
/// each of L_RPN and L_RCN is a weighted soft/hard classification term ("rpn_cls", "rcn_cls": <see cref="WeightedSoftCe"/>;
/// parameters mu, temperature, background_weight) plus lambda times a teacher-bounded regression term ("rpn_reg",
/// "rcn_reg": <see cref="TeacherBoundedRegression"/>; nu, margin; weight lambda), and "hint" (<see cref="DetectionHint"/>;
/// weight gamma) is hint learning on the backbone map. Switching a component off is config: hint off leaves "hint" out,
/// soft CE off is mu = 1 (hard labels only), the bound off is nu = 0. Terms are built here rather than in
/// <see cref="LossRegistry"/> because they need the detectors' backbone widths and typed detection targets.
/// </summary>
public static class DetectionDistillation
{
    public const string Hint = "hint";
    public static readonly IReadOnlyList<string> Names = ["rpn_cls", "rpn_reg", "rcn_cls", "rcn_reg", Hint];

    /// <summary>The term <paramref name="spec"/> names, its hint adaptation sized from the backbones' output channels.</summary>
    public static DetectionLossTerm Create(LossSpec spec, int studentChannels, int teacherChannels) => spec.Name switch
    {
        "rpn_cls" => WeightedSoftCe.Create(DetectionStage.Rpn, spec),
        "rcn_cls" => WeightedSoftCe.Create(DetectionStage.Rcn, spec),
        "rpn_reg" => TeacherBoundedRegression.Create(DetectionStage.Rpn, spec),
        "rcn_reg" => TeacherBoundedRegression.Create(DetectionStage.Rcn, spec),
        Hint => DetectionHint.Create(spec, studentChannels, teacherChannels),
        _ => throw new ArgumentException($"Unknown detection loss term '{spec.Name}'. Known: {string.Join(", ", Names)}"),
    };

    /// <summary>
    /// The full objective with Chen et al.'s defaults (mu = 0.5, T = 1, background weight 1.5, nu = 0.5, m = 0,
    /// lambda = 1, gamma = 0.5), in the order the terms are summed.
    /// </summary>
    public static IReadOnlyList<LossSpec> ChenEtAl(double mu = 0.5, double temperature = 1.0, double backgroundWeight = 1.5,
                                                   double nu = 0.5, double margin = 0.0, double lambda = 1.0, double gamma = 0.5)
    {
        var cls = new WeightedSoftCe.Parameters { Mu = mu, Temperature = temperature, BackgroundWeight = backgroundWeight };
        var reg = new TeacherBoundedRegression.Parameters { Nu = nu, Margin = margin };
        return
        [
            LossSpec.Of("rpn_cls", 1.0, cls), LossSpec.Of("rpn_reg", lambda, reg),
            LossSpec.Of("rcn_cls", 1.0, cls), LossSpec.Of("rcn_reg", lambda, reg),
            new LossSpec(Hint, gamma),
        ];
    }
}

/// <summary>
/// Hint learning for detection (Chen et al. 2017, eq. 5; FitNets): <see cref="Hint.Loss"/> between the student's
/// backbone map passed through a 1x1 adaptation conv (student to teacher channels) and the teacher's backbone map.
/// The adaptation trains with the student and is dropped afterwards.
/// </summary>
public sealed class DetectionHint : DetectionLossTerm
{
    readonly Hint hint;

    public DetectionHint(int studentChannels, int teacherChannels) : base(nameof(DetectionHint))
    {
        hint = Losses.Hint.ForConv(studentChannels, teacherChannels);
        RegisterComponents();
    }

    /// <summary>Config parameters of the detection "hint": none (it always reads the backbone maps).</summary>
    public sealed record Parameters;

    public static DetectionHint Create(LossSpec spec, int studentChannels, int teacherChannels)
    {
        LossRegistry.Bind<Parameters>(spec);   // rejects any key
        return new DetectionHint(studentChannels, teacherChannels);
    }

    public override string Key => DetectionDistillation.Hint;

    public override Tensor Compute(Taps student, Taps teacher, DetectionTrainTargets targets) =>
        Losses.Hint.Loss(hint.Adaptation.forward(student[DetectionTaps.Backbone]), teacher[DetectionTaps.Backbone]);
}
