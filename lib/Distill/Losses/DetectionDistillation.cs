using Distill.Models;
using Distill.Models.Detection;
using Distill.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Losses;

/// <summary>Weights of the detection distillation objective; defaults are those of Chen et al. (2017).</summary>
public sealed record DetectionDistillationSettings
{
    /// <summary>Hard-label share mu of the classification losses.</summary>
    public double Mu { get; init; } = 0.5;
    public double Temperature { get; init; } = 1.0;
    public double BackgroundWeight { get; init; } = 1.5;
    /// <summary>Weight nu of the teacher-bounded term inside each regression loss.</summary>
    public double Nu { get; init; } = 0.5;
    public double Margin { get; init; } = 0.0;
    /// <summary>Weight lambda of regression against classification in L_RPN and L_RCN.</summary>
    public double Lambda { get; init; } = 1.0;
    /// <summary>Weight gamma of the hint loss.</summary>
    public double Gamma { get; init; } = 0.5;
    public double RpnSmoothL1Beta { get; init; } = 1.0 / 9;
    public double RcnSmoothL1Beta { get; init; } = 1.0;
}

/// <summary>
/// The full objective of Chen et al. (2017, eq. 1): L = L_RPN + L_RCN + gamma L_hint, where each of L_RPN and L_RCN is
/// the weighted soft/hard classification loss plus lambda times the teacher-bounded regression loss.
/// Components are returned separately ("rpn_cls", "rpn_reg", "rcn_cls", "rcn_reg", "hint") for logging, with
/// "bounded": the teacher-bounded parts L_b of RPN and RCN (unweighted, detached, already inside the two "_reg" terms).
/// </summary>
public sealed class DetectionDistillation : nn.Module
{
    readonly Hint hint;
    readonly WeightedSoftCe rpnCls;
    readonly WeightedSoftCe rcnCls;
    readonly TeacherBoundedRegression rpnReg;
    readonly TeacherBoundedRegression rcnReg;

    public DetectionDistillation(int studentChannels, int teacherChannels, DetectionDistillationSettings? settings = null)
        : base(nameof(DetectionDistillation))
    {
        Settings = settings ?? new DetectionDistillationSettings();
        var s = Settings;
        hint = Hint.ForConv(studentChannels, teacherChannels);
        rpnCls = new WeightedSoftCe(DetectionTaps.Rpn, s.Mu, s.Temperature, s.BackgroundWeight);
        rcnCls = new WeightedSoftCe(DetectionTaps.Rcn, s.Mu, s.Temperature, s.BackgroundWeight);
        rpnReg = new TeacherBoundedRegression(DetectionTaps.Rpn, s.Nu, s.Margin, s.RpnSmoothL1Beta);
        rcnReg = new TeacherBoundedRegression(DetectionTaps.Rcn, s.Nu, s.Margin, s.RcnSmoothL1Beta);
        RegisterComponents();
    }

    public DetectionDistillationSettings Settings { get; }

    /// <summary>Loss components and their weighted total for the student's taps and the teacher's taps on the same batch.</summary>
    public (IReadOnlyDictionary<string, Tensor> Components, Tensor Total) Compute(Taps student, Taps teacher)
    {
        var none = empty(0);
        Taps[] teachers = [teacher];
        var components = new Dictionary<string, Tensor>();
        foreach (LossTerm term in new LossTerm[] { rpnCls, rpnReg, rcnCls, rcnReg, hint })
            components[term.Key] = term.Compute(student, teachers, none);
        var total = components["rpn_cls"].Plus(components["rpn_reg"].Times(Settings.Lambda))
                  .Plus(components["rcn_cls"]).Plus(components["rcn_reg"].Times(Settings.Lambda))
                  .Plus(components["hint"].Times(Settings.Gamma));
        components["bounded"] = rpnReg.BoundedPart(student, teacher).Plus(rcnReg.BoundedPart(student, teacher));
        return (components, total);
    }
}
