using Distill.Models;
using Distill.Runtime;
using TorchSharp;
using static Distill.Tests.Training.Fixtures;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Distill.Tests.Models;

/// <summary>
/// The zoo's blocks release their intermediate tensors when they return (dispose scopes, in-place ReLU after batch
/// norm), as PyTorch does when the last reference goes; what autograd needs it keeps through its own references.
/// </summary>
public class ScopedForwardTests
{
    public ScopedForwardTests() => TorchRuntime.Initialize(seed: 0, quiet: true);

    [Fact]
    public void AFrozenTeacherForwardLeavesOnlyItsTapsInTheCallersScope()
    {
        using var teacher = ModelZoo.Create(new ModelSpec("resnet32", NumClasses: 10));
        teacher.eval();
        using var input = randn(2, 3, 32, 32);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var taps = teacher.call(input);
        // logits, stem, three stage maps, pre_logits ("backbone" is the last stage map itself); without the block
        // scopes the caller's scope also held every conv, batch-norm, ReLU and add output (100 tensors).
        var distinct = new HashSet<Tensor>(ReferenceEqualityComparer.Instance) { taps.Logits };
        foreach (var t in taps.Stages) distinct.Add(t);
        foreach (var t in taps.Named.Values) distinct.Add(t);
        Assert.Equal(6, distinct.Count);
        Assert.Equal(distinct.Count, scope.DisposablesCount);
    }

    /// <summary>Option-A downsampling block against the same computation in plain functional ops: output, input
    /// gradient and weight gradients identical to the bit, batch-norm running statistics updated alike.</summary>
    [Fact]
    public void ABasicBlockComputesAndBackpropagatesAsThePlainFunctionalForm()
    {
        manual_seed(3);
        using var block = new BasicBlock(4, 8, 2, Shortcut.A);
        block.train();
        var p = block.named_parameters().ToDictionary(kv => kv.name, kv => kv.parameter);
        var b = block.named_buffers().ToDictionary(kv => kv.name, kv => kv.buffer.clone());
        using var x = randn(3, 4, 10, 10).requires_grad_(true);
        using var xRef = x.detach().clone().requires_grad_(true);
        using var g = randn(3, 8, 5, 5);

        var y = block.call(x);
        (y * g).sum().backward();
        var grads = p.ToDictionary(kv => kv.Key, kv => kv.Value.grad!.clone());
        foreach (var param in p.Values) param.grad = null;

        var h = F.conv2d(xRef, p["conv1.weight"], strides: [2, 2], padding: [1, 1]);
        h = F.relu(F.batch_norm(h, b["bn1.running_mean"], b["bn1.running_var"], p["bn1.weight"], p["bn1.bias"], training: true));
        h = F.conv2d(h, p["conv2.weight"], padding: [1, 1]);
        h = F.batch_norm(h, b["bn2.running_mean"], b["bn2.running_var"], p["bn2.weight"], p["bn2.bias"], training: true);
        var shortcut = F.pad(xRef[TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(null, null, 2), TensorIndex.Slice(null, null, 2)], [0, 0, 0, 0, 2, 2]);
        var yRef = F.relu(h + shortcut);
        (yRef * g).sum().backward();

        Assert.True(SameBits(y, yRef));
        Assert.True(SameBits(x.grad!, xRef.grad!));
        foreach (var (name, grad) in grads) Assert.True(SameBits(grad, p[name].grad!), name);
        foreach (var (name, buffer) in block.named_buffers())
            if (!name.EndsWith("num_batches_tracked")) Assert.True(SameBits(buffer, b[name]), name);   // the module's own counter
    }
}
