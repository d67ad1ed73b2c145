using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Training;

/// <summary>
/// TorchSharp 0.107's Adam, same arithmetic in the same order (its step, read from its IL), with every number the step
/// gives libtorch (weight decay, beta1, 1 - beta1, beta2, 1 - beta2, the bias-corrected divisor, eps, the signed step
/// size, the alpha of adding eps) held as a Scalar that is disposed after the step, and each step's temporaries in a dispose scope. TorchSharp's
/// own step makes up to eight implicit Scalars per parameter per step, which only the finalizer frees and which a
/// collection on another thread can free mid-call (Runtime.HeldScalars; HeldSgd does the same for SGD). State, parameter
/// groups and saved state are Adam's. The compressed-video study trains with it.
/// </summary>
public sealed class HeldAdam(IEnumerable<Parameter> parameters, double lr, double beta1 = 0.9, double beta2 = 0.99,
                             double eps = 1e-8, double weightDecay = 0, bool amsgrad = false, bool maximize = false)
    : Adam(parameters, lr, beta1, beta2, eps, weightDecay, amsgrad, maximize)
{
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = (Options)group.Options;
        double b1 = options.beta1!.Value, b2 = options.beta2!.Value, decay = options.weight_decay!.Value, lr = options.LearningRate!.Value;
        bool keepMax = options.amsgrad!.Value, ascend = options.maximize!.Value;
        using var beta1 = b1.ToScalar();
        using var fresh1 = (1 - b1).ToScalar();
        using var beta2 = b2.ToScalar();
        using var fresh2 = (1 - b2).ToScalar();
        using var decayScalar = decay.ToScalar();
        using var epsScalar = options.eps!.Value.ToScalar();
        using var one = 1.ToScalar();   // add_(eps) would pass TorchSharp's implicit alpha
        using var scope = NewDisposeScope();
        foreach (var param in group.Parameters)
        {
            var state = (State)_state[param.Handle];
            var grad = ascend ? param.grad?.neg() : param.grad;
            if (grad is null) continue;
            state.step += 1;
            double correction1 = 1 - Math.Pow(b1, state.step), correction2 = 1 - Math.Pow(b2, state.step);
            if (decay != 0) grad = grad.add(param, decayScalar);
            state.exp_avg.mul_(beta1).add_(grad, fresh1);
            state.exp_avg_sq.mul_(beta2).addcmul_(grad, grad.conj(), fresh2);
            if (keepMax)
            {
                var previous = state.max_exp_avg_sq;
                state.max_exp_avg_sq = maximum(previous, state.exp_avg_sq).DetachFromDisposeScope();
                previous.Dispose();
            }
            using var divisor = Math.Sqrt(correction2).ToScalar();
            var denominator = (keepMax ? state.max_exp_avg_sq : state.exp_avg_sq).sqrt().div(divisor).add_(epsScalar, one);
            using var stepSize = (-(lr / correction1)).ToScalar();
            param.addcdiv_(state.exp_avg, denominator, stepSize);
        }
    }, closure);
}
