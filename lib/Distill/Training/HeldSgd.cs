using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Training;

/// <summary>
/// TorchSharp 0.107's SGD, same arithmetic in the same order (its step, read from its IL), but with weight decay,
/// momentum, 1 - dampening and the signed learning rate as Scalars disposed after the step, and each step's gradient
/// wrappers in a dispose scope. TorchSharp's own step makes up to four implicit Scalars per parameter per step, which
/// only the finalizer frees and which a collection on another thread can free mid-call (Runtime.HeldScalars).
/// State, parameter groups and saved state are SGD's.
/// </summary>
public sealed class HeldSgd(IEnumerable<Parameter> parameters, double lr, double momentum = 0, double dampening = 0,
                            double weightDecay = 0, bool nesterov = false)
    : SGD(parameters, lr, momentum, dampening, weightDecay, nesterov)
{
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = group.Options;
        double momentum = options.momentum!.Value, weightDecay = options.weight_decay!.Value, lr = options.LearningRate!.Value;
        using var decay = weightDecay.ToScalar();
        using var keep = momentum.ToScalar();
        using var fresh = (1 - options.dampening!.Value).ToScalar();
        using var rate = (options.maximize!.Value ? lr : -lr).ToScalar();
        using var scope = NewDisposeScope();
        foreach (var param in group.Parameters)
        {
            var state = (State)_state[param.Handle];
            var grad = param.grad;
            if (grad is null) continue;
            if (weightDecay != 0) grad = grad.add(param, decay);
            if (momentum != 0)
            {
                var buffer = state.momentum_buffer;
                if (buffer is null)
                    buffer = state.momentum_buffer = grad.clone().detach().DetachFromDisposeScope();
                else
                    buffer.mul_(keep).add_(grad, fresh);
                grad = options.nesterov!.Value ? grad.add(buffer, keep) : buffer;
            }
            param.add_(grad, rate);
        }
    }, closure);
}
