using Distill.Losses;
using Distill.Models.Detection;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Training.Detection;

/// <summary>
/// What a detection run trains and checkpoints: the student Faster R-CNN and, when distilling, the distillation loss
/// whose hint adaptation layer trains with it (Chen et al. 2017) and is dropped afterwards.
/// </summary>
public sealed class DetectionTrainee : nn.Module
{
    readonly FasterRcnn student;
    readonly DetectionDistillation? distillation;

    public DetectionTrainee(FasterRcnn student, DetectionDistillation? distillation) : base(nameof(DetectionTrainee))
    {
        this.student = student;
        this.distillation = distillation;
        RegisterComponents();
    }

    public FasterRcnn Student => student;
    public DetectionDistillation? Distillation => distillation;
}
