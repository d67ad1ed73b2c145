using Distill.Losses;
using Distill.Models.Detection;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Training.Detection;

/// <summary>
/// One optimisation step of a Faster R-CNN student distilled from a frozen Faster R-CNN teacher (Chen et al. 2017):
/// the student's training forward samples anchors and RoIs, the teacher (eval mode, no gradient) is evaluated on the
/// same images, anchors and RoIs, and L = L_RPN + L_RCN + gamma L_hint (<see cref="DetectionDistillation"/>) is
/// minimised over the student's and the adaptation layer's parameters. Without a teacher the step trains on the plain
/// Faster R-CNN losses, which is how the teacher itself and the student-from-scratch baseline are trained.
/// </summary>
public sealed class DetectionDistillationStep
{
    readonly FasterRcnn student;
    readonly FasterRcnn? teacher;
    readonly DetectionDistillation? distillation;
    readonly optim.Optimizer optimizer;
    readonly Random rng;

    /// <param name="optimizer">Over the student's parameters and, when distilling, those of <paramref name="distillation"/> (the hint adaptation layer).</param>
    /// <param name="seed">Seed of the anchor and RoI sampling.</param>
    public DetectionDistillationStep(FasterRcnn student, optim.Optimizer optimizer, int seed,
                                     FasterRcnn? teacher = null, DetectionDistillation? distillation = null)
    {
        if ((teacher is null) != (distillation is null))
            throw new ArgumentException("Distillation needs both a teacher and its loss; plain training needs neither.");
        if (teacher is not null)
        {
            var (s, t) = (student.Rpn.Anchors, teacher.Rpn.Anchors);
            if (s.Stride != t.Stride || !s.Sizes.SequenceEqual(t.Sizes) || !s.AspectRatios.SequenceEqual(t.AspectRatios))
                throw new ArgumentException($"Student and teacher anchors differ (stride {s.Stride} vs {t.Stride}, sizes [{string.Join(", ", s.Sizes)}] vs " +
                                            $"[{string.Join(", ", t.Sizes)}], ratios [{string.Join(", ", s.AspectRatios)}] vs [{string.Join(", ", t.AspectRatios)}]); " +
                                            "the RPN distillation terms compare them anchor by anchor.");
            if (student.NumClasses != teacher.NumClasses)
                throw new ArgumentException($"Student has {student.NumClasses} classes, teacher {teacher.NumClasses}.");
        }
        this.student = student;
        this.teacher = teacher;
        this.distillation = distillation;
        this.optimizer = optimizer;
        rng = new Random(seed);
    }

    /// <summary>An SGD optimiser with momentum over the student and the distillation loss's own parameters.</summary>
    public static optim.Optimizer Sgd(FasterRcnn student, DetectionDistillation? distillation, double learningRate,
                                      double momentum = 0.9, double weightDecay = 1e-4)
    {
        var parameters = student.parameters().Concat(distillation?.parameters() ?? []).Where(p => p.requires_grad);
        return new HeldSgd(parameters, learningRate, momentum, weightDecay: weightDecay);
    }

    /// <summary>
    /// Trains on one batch and returns each loss component and "total" as numbers. Distilling: "rpn_cls", "rpn_reg",
    /// "rcn_cls", "rcn_reg", "hint"; plain: "rpn_objectness", "rpn_box", "rcn_cls", "rcn_box".
    /// </summary>
    public IReadOnlyDictionary<string, double> Step(Tensor images, IReadOnlyList<DetectionTarget> targets)
    {
        using var scope = NewDisposeScope();
        student.train();
        var output = student.TrainStep(images, targets, rng);
        IReadOnlyDictionary<string, Tensor> components;
        Tensor total;
        if (teacher is null || distillation is null)
            (components, total) = (output.Losses, output.Total);
        else
        {
            teacher.eval();
            Models.Taps teacherTaps;
            using (no_grad())
                teacherTaps = teacher.TapsOn(images, output.Taps[DetectionTaps.Rois]);
            distillation.train();
            (components, total) = distillation.Compute(output.Taps, teacherTaps);
        }
        optimizer.zero_grad();
        total.backward();
        optimizer.step();
        var values = components.ToDictionary(p => p.Key, p => (double)p.Value.item<float>());
        values["total"] = total.item<float>();
        return values;
    }
}
