using System.Buffers.Binary;
using System.Security.Cryptography;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Training;

/// <summary>
/// One frozen teacher's logits, stored on disk under the SHA-256 of the exact batch they were computed from, so every
/// later student run that feeds the teacher the same batch reads them instead of running the teacher again. Our loaders
/// draw each epoch's order and augmentation from (seed, epoch) alone, so all students of one seed see the same batches:
/// notebook 02's Hinton KD, + KL, + ensemble and full-method students share their teachers' forward passes (with
/// augmentation, unlike caching one output per image; the idea is FKD's stored soft labels per crop, Shen and Xing 2021,
/// made exact by keying on the batch's bytes). A frozen teacher in eval mode maps the same bytes to the same logits, so
/// a run that reads them trains exactly as one that computes them (tested). Only for CPU batches: hashing a GPU batch
/// would copy it to the host, which costs about what the teacher's forward pass does there.
/// </summary>
/// <param name="folder">One folder per teacher checkpoint (see <see cref="FolderFor"/>).</param>
public sealed class TeacherLogitCache(string folder)
{
    /// <summary>Folder under a result store's root that holds the caches; not a run, so the store skips it.</summary>
    public const string StoreFolder = ".teacher-logits";

    static ReadOnlySpan<byte> Magic => "DTLOGIT1"u8;

    public string Folder { get; } = Path.GetFullPath(folder);

    /// <summary>Batches answered from disk since this cache was made.</summary>
    public long Hits { get; private set; }

    /// <summary>Batches the teacher computed (stored for next time unless writing failed or the logits are not fp32).</summary>
    public long Misses { get; private set; }

    /// <summary>
    /// The cache folder of the teacher whose weights are in <paramref name="checkpoint"/>, under
    /// <paramref name="root"/>: named by the run and the checkpoint's own trailing SHA-256, so retraining a teacher
    /// (new weights, same name) starts a new cache.
    /// </summary>
    public static string FolderFor(string root, string teacherRun, string checkpoint)
    {
        using var file = File.OpenRead(checkpoint);
        if (file.Length < 32) throw new InvalidDataException($"{checkpoint}: too short to be a checkpoint ({file.Length} bytes)");
        Span<byte> digest = stackalloc byte[32];
        file.Seek(-32, SeekOrigin.End);
        file.ReadExactly(digest);
        return Path.Combine(root, StoreFolder, $"{teacherRun}-{Convert.ToHexStringLower(digest[..16])}");
    }

    /// <summary>The teacher's logits for <paramref name="images"/>: from disk when stored, else <paramref name="forward"/>'s, stored.</summary>
    public Tensor Logits(Tensor images, Func<Tensor> forward)
    {
        if (images.device_type != DeviceType.CPU) return forward();
        var path = PathOf(KeyOf(images));
        if (TryRead(path) is { } stored)
        {
            Hits++;
            return stored;
        }
        var logits = forward();
        Misses++;
        if (!Writable) return logits;
        try { Write(path, logits); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A cache is an optimisation: a full disk or a read-only store must not stop the training run.
            Writable = false;
            WriteError = $"{Folder}: {e.Message}";
        }
        return logits;
    }

    /// <summary>False once a write failed (full disk, read-only folder): from then on batches are computed, not stored.</summary>
    public bool Writable { get; private set; } = true;

    /// <summary>Why writing stopped, or null.</summary>
    public string? WriteError { get; private set; }

    string PathOf(string key) => Path.Combine(Folder, key[..2], key + ".bin");

    /// <summary>SHA-256 of the batch's dtype, shape and bytes (in memory order of a contiguous copy).</summary>
    static string KeyOf(Tensor images)
    {
        using var scope = NewDisposeScope();
        var contiguous = images.is_contiguous() ? images : images.contiguous();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Describe(contiguous));
        hash.AppendData(contiguous.bytes);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>dtype code, rank and dims as little-endian integers: the header of a stored file and part of the key.</summary>
    static byte[] Describe(Tensor t)
    {
        var header = new byte[8 + 8 * t.shape.Length];
        BinaryPrimitives.WriteInt32LittleEndian(header, (int)t.dtype);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(4), t.shape.Length);
        for (int i = 0; i < t.shape.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(8 + 8 * i), t.shape[i]);
        return header;
    }

    /// <summary>A stored tensor, or null when the file is missing or not a whole cache file (then it is recomputed and replaced).</summary>
    static Tensor? TryRead(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (FileNotFoundException) { return null; }
        catch (DirectoryNotFoundException) { return null; }
        var span = bytes.AsSpan();
        if (span.Length < Magic.Length + 8 || !span[..Magic.Length].SequenceEqual(Magic)) return null;
        span = span[Magic.Length..];
        var dtype = (ScalarType)BinaryPrimitives.ReadInt32LittleEndian(span);
        int rank = BinaryPrimitives.ReadInt32LittleEndian(span[4..]);
        if (rank is < 1 or > 8 || span.Length < 8 + 8 * rank) return null;
        var shape = new long[rank];
        for (int i = 0; i < rank; i++) shape[i] = BinaryPrimitives.ReadInt64LittleEndian(span[(8 + 8 * i)..]);
        var data = span[(8 + 8 * rank)..];
        if (dtype != ScalarType.Float32 || shape.Any(d => d < 0) || data.Length != shape.Aggregate(4L, (n, d) => n * d)) return null;
        var t = empty(shape, dtype);
        data.CopyTo(t.bytes);
        return t;
    }

    /// <summary>Stores a tensor as magic + header + bytes; written to a temporary file and renamed, so readers see all or nothing.</summary>
    static void Write(string path, Tensor logits)
    {
        using var scope = NewDisposeScope();
        var cpu = logits.detach().cpu().contiguous();
        if (cpu.dtype != ScalarType.Float32) return;   // the loss terms' logits are fp32; other dtypes are computed every time
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = $"{path}.{Environment.ProcessId}.{Environment.CurrentManagedThreadId}.tmp";
        try
        {
            using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                file.Write(Magic);
                file.Write(Describe(cpu));
                file.Write(cpu.bytes);
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
