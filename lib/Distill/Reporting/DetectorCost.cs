using System.Diagnostics;
using Distill.Models.Detection;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Reporting;

/// <summary>
/// Size and cost of a Faster R-CNN at inference for one square image: parameters, and MACs / FLOPs counted with the
/// rules of <see cref="LayerCosts"/> from a real forward pass (forward hooks on every leaf module). The backbone and
/// RPN head run once per image; the box head runs once per RoI, so its cost is counted per RoI and multiplied by
/// <see cref="Rois"/> (the RPN's post-NMS proposals at test time). RoI Align, proposal decoding and NMS are not
/// counted (no multiply-accumulates, as in the compression papers' convention).
/// </summary>
public sealed record DetectorCost(string Model, int ImageSize, int Rois, long Params, long Macs, long Flops, long BoxHeadParams)
{
    public static DetectorCost Of(FasterRcnn model, string name, int imageSize)
    {
        int rois = model.Rpn.Settings.PostNmsTopNTest;
        long macs = 0, flops = 0;
        var hooks = new List<Action>();
        var head = new HashSet<nn.Module>(model.Heads.modules(), ReferenceEqualityComparer.Instance);
        var leaves = model.named_modules().Select(m => m.module).Where(m => !m.children().Any()).Distinct(ReferenceEqualityComparer.Instance);
        foreach (var module in leaves)
            if (module is nn.Module<Tensor, Tensor> unary)
            {
                int perImage = head.Contains(module) ? rois : 1;
                var handle = unary.register_forward_hook((m, x, y) =>
                {
                    var (a, f) = LayerCosts.Of(m, [x], y);
                    macs += a * perImage;
                    flops += f * perImage;
                    return y;
                });
                hooks.Add(handle.remove);
            }
        bool wasTraining = model.training;
        try
        {
            model.eval();
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var device = model.parameters().First().device;
            var features = model.Backbone.Module.forward(zeros(1, 3, imageSize, imageSize, device: device));
            model.Rpn.Forward(features);
            model.Heads.Forward(features, tensor(new float[] { 0, 0, 0, imageSize / 2f, imageSize / 2f }, device: device).view(1, 5));
        }
        finally
        {
            foreach (var remove in hooks) remove();
            model.train(wasTraining);
        }
        return new DetectorCost(name, imageSize, rois, model.parameters().Sum(p => p.numel()), macs, flops,
            model.Heads.parameters().Sum(p => p.numel()));
    }

    /// <summary>Median wall-clock milliseconds of <see cref="FasterRcnn.Detect"/> on one image of the given batch, over <paramref name="repeats"/> runs after a warm-up.</summary>
    public static double InferenceMilliseconds(FasterRcnn model, Tensor image, int repeats = 5)
    {
        if (image.dim() == 3) image = image.unsqueeze(0);
        bool wasTraining = model.training;
        model.eval();
        try
        {
            Dispose(model.Detect(image));
            var times = new List<double>();
            for (int i = 0; i < repeats; i++)
            {
                var clock = Stopwatch.StartNew();
                Dispose(model.Detect(image));
                times.Add(clock.Elapsed.TotalMilliseconds);
            }
            times.Sort();
            return times[times.Count / 2];
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    static void Dispose(List<Detections> detections)
    {
        foreach (var d in detections) { d.Boxes.Dispose(); d.Scores.Dispose(); d.Labels.Dispose(); }
    }
}
