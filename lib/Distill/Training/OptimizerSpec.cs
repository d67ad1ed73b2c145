using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Training;

/// <summary>
/// The optimiser as data. "sgd": SGD with momentum (Nesterov optional), the CIFAR/ImageNet KD standard;
/// "adam": Adam (Kingma and Ba 2015). <see cref="WeightDecay"/> is L2 added to the gradient, as in torch.optim.
/// The learning rate set here is the schedule's base rate; the trainer overrides it every step.
/// </summary>
public sealed record OptimizerSpec(
    string Kind = "sgd",
    double LearningRate = 0.1,
    double Momentum = 0.9,
    bool Nesterov = false,
    double WeightDecay = 5e-4,
    double Beta1 = 0.9,
    double Beta2 = 0.999,
    double Epsilon = 1e-8)
{
    public static OptimizerSpec Sgd(double lr, double momentum = 0.9, double weightDecay = 5e-4, bool nesterov = false) =>
        new("sgd", lr, momentum, nesterov, weightDecay);

    public static OptimizerSpec Adam(double lr, double weightDecay = 0.0, double beta1 = 0.9, double beta2 = 0.999) =>
        new("adam", lr, 0, false, weightDecay, beta1, beta2);

    /// <summary>Builds the TorchSharp optimiser over <paramref name="parameters"/>.</summary>
    public OptimizerHelper Create(IEnumerable<Parameter> parameters)
    {
        if (!(LearningRate > 0)) throw new ArgumentException($"Learning rate must be > 0, got {LearningRate}");
        if (WeightDecay < 0) throw new ArgumentException($"Weight decay must be >= 0, got {WeightDecay}");
        return Kind.ToLowerInvariant() switch
        {
            "sgd" => Nesterov && !(Momentum > 0)
                ? throw new ArgumentException("Nesterov momentum needs momentum > 0")
                : new HeldSgd(parameters, LearningRate, Momentum, dampening: 0, weightDecay: WeightDecay, nesterov: Nesterov),
            "adam" => new HeldAdam(parameters, LearningRate, Beta1, Beta2, Epsilon, WeightDecay),
            _ => throw new ArgumentException($"Unknown optimiser '{Kind}'. Known: sgd, adam"),
        };
    }
}
