using System.Globalization;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Training;

/// <summary>
/// The checkpoints folder of one run: epoch-0001.ckpt, epoch-0002.ckpt, ... (epoch numbers 1-based: the count of
/// finished epochs). Keeps the newest <see cref="Keep"/> files, so that a damaged newest file still leaves a good one.
/// </summary>
public sealed class CheckpointStore(string folder, int keep = 2, TextWriter? log = null)
{
    public string Folder { get; } = folder;
    public int Keep { get; } = Math.Max(1, keep);

    public string PathOf(int finishedEpochs) => Path.Combine(Folder, $"epoch-{finishedEpochs:D4}.ckpt");

    /// <summary>Checkpoint files, newest first.</summary>
    public IReadOnlyList<(int FinishedEpochs, string Path)> Files() =>
        !Directory.Exists(Folder)
            ? []
            : Directory.EnumerateFiles(Folder, "epoch-*.ckpt")
                .Select(p => (Ok: int.TryParse(Path.GetFileNameWithoutExtension(p)["epoch-".Length..], NumberStyles.None,
                    CultureInfo.InvariantCulture, out var n), N: n, P: p))
                .Where(x => x.Ok)
                .OrderByDescending(x => x.N)
                .Select(x => (x.N, x.P))
                .ToList();

    public string Save(CheckpointHeader header, nn.Module module, OptimizerHelper optimizer)
    {
        Directory.CreateDirectory(Folder);
        var path = PathOf(header.Epoch + 1);
        Checkpoint.Write(path, header, module, optimizer);
        foreach (var (_, old) in Files().Skip(Keep)) File.Delete(old);
        return path;
    }

    /// <summary>
    /// Restores the newest checkpoint that passes its integrity check; a corrupt one is reported to the log and
    /// skipped (left on disk for inspection, renamed *.corrupt). Temporary files of a write that a kill cut short
    /// are deleted first. Null when there is no usable checkpoint.
    /// </summary>
    public (CheckpointHeader Header, string Path)? RestoreLatest(nn.Module module, OptimizerHelper? optimizer)
    {
        if (Directory.Exists(Folder))
            foreach (var partial in Directory.EnumerateFiles(Folder, "*.tmp"))
            {
                (log ?? Console.Error).WriteLine($"distill: deleting {partial}, a checkpoint write that did not finish.");
                File.Delete(partial);
            }
        foreach (var (_, path) in Files())
        {
            try
            {
                return (Checkpoint.Restore(path, module, optimizer), path);
            }
            catch (CorruptCheckpointException e)
            {
                (log ?? Console.Error).WriteLine($"distill: {e.Message} Falling back to the previous checkpoint.");
                File.Move(path, path + ".corrupt", overwrite: true);
            }
        }
        return null;
    }
}
