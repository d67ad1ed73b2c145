using Distill.Models;
using Distill.Models.Detection;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Losses;

/// <summary>
/// One term of a detection distillation objective (Chen et al. 2017). Its call: the student's taps, the teacher's taps
/// on the same images, anchors and RoIs (<see cref="FasterRcnn.TapsOn"/>), and the student's sampled training targets
/// of both stages as a typed record. Like a classification <see cref="LossTerm"/>, it may own parameters (the hint's
/// adaptation layer) that train with the student.
/// </summary>
public abstract class DetectionLossTerm(string name) : nn.Module(name)
{
    /// <summary>Short name used in metrics and charts, e.g. "rpn_cls", "hint".</summary>
    public abstract string Key { get; }

    public abstract Tensor Compute(Taps student, Taps teacher, DetectionTrainTargets targets);
}
