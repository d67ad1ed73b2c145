using Distill.Data;
using static TorchSharp.torch;

namespace KdStep;

/// <summary>
/// One batch, already on the device in the dtype and layout under test, yielded <see cref="Steps"/> times per epoch
/// (<see cref="WarmupSteps"/> in epoch 0). Feeding it to the real trainer times the KD step alone: no gather, no
/// augmentation, no conversion. Each yielded batch aliases the stored tensors, since the trainer disposes its batches.
/// </summary>
public sealed class FixedBatchSource(Tensor images, Tensor labels, int steps, int warmupSteps, int numClasses) : IBatchSource, IDisposable
{
    public int Steps => steps;
    public int WarmupSteps => warmupSteps;
    public int Count => steps * BatchSize;
    public int BatchSize => (int)labels.shape[0];
    public int BatchesPerEpoch => steps;
    public int NumClasses => numClasses;
    public (int Channels, int Height, int Width) Shape => ((int)images.shape[1], (int)images.shape[2], (int)images.shape[3]);

    public IEnumerable<Batch> Epoch(int epoch)
    {
        int n = epoch == 0 ? warmupSteps : steps;
        for (int i = 0; i < n; i++) yield return new Batch(images.alias(), labels.alias());
    }

    public void Dispose()
    {
        images.Dispose();
        labels.Dispose();
    }
}

/// <summary>
/// The batches of another source with the images cast to <paramref name="dtype"/> on the device (one conversion per
/// batch): how a model held entirely in bfloat16 is fed by the float32 <see cref="DeviceImageLoader"/>.
/// </summary>
public sealed class CastSource(IBatchSource inner, ScalarType dtype) : IBatchSource
{
    public int Count => inner.Count;
    public int BatchSize => inner.BatchSize;
    public int BatchesPerEpoch => inner.BatchesPerEpoch;
    public int NumClasses => inner.NumClasses;
    public (int Channels, int Height, int Width) Shape => inner.Shape;

    public IEnumerable<Batch> Epoch(int epoch)
    {
        foreach (var batch in inner.Epoch(epoch))
        {
            if (batch.Images.dtype == dtype)
            {
                yield return batch;
                continue;
            }
            var cast = batch.Images.to_type(dtype);
            batch.Images.Dispose();
            yield return batch with { Images = cast };
        }
    }
}
