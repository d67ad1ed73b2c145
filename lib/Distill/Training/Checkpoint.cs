using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Training;

/// <summary>
/// What a checkpoint records besides tensors: the finished epoch, the run's seed and the metrics so far, each epoch's
/// record as the JSON object its metrics.jsonl line holds (classification or detection alike).
/// </summary>
public sealed record CheckpointHeader(int Epoch, int Seed, string Optimizer, IReadOnlyList<JsonElement> History)
{
    /// <summary>A header for <paramref name="history"/>, the records of the finished epochs.</summary>
    public static CheckpointHeader Of<TMetrics>(int epoch, int seed, string optimizer, IEnumerable<TMetrics> history) =>
        new(epoch, seed, optimizer, history.Select(m => JsonSerializer.SerializeToElement(m, EpochMetrics.Json)).ToList());

    /// <summary>The finished epochs' records, read back as <typeparamref name="TMetrics"/>.</summary>
    public IReadOnlyList<TMetrics> HistoryAs<TMetrics>() =>
        History.Select(e => e.Deserialize<TMetrics>(EpochMetrics.Json) ?? throw new JsonException("null epoch record")).ToList();
}

/// <summary>A checkpoint file failed its integrity check or could not be parsed.</summary>
public sealed class CorruptCheckpointException(string message, Exception? inner = null) : IOException(message, inner);

/// <summary>
/// The checkpoint file format: everything needed to continue a run exactly where it stopped.
/// Layout: magic "DISTILLCKPT1", header length (int32) + header JSON (epoch, seed, optimiser, metrics history),
/// the trained module's state (TorchSharp's state-dict format: student and loss-term parameters and buffers),
/// the optimiser's state (momentum buffers / Adam moments and step counts, TorchSharp's save_state_dict), and a
/// trailing SHA-256 over all preceding bytes, so that a truncated or damaged file is recognised before it is used.
/// The learning-rate schedule needs no state (it is a function of epoch and step); random number generators are
/// re-seeded from (seed, epoch) at each epoch start, which covers CPU, CUDA and managed generators alike.
/// </summary>
public static class Checkpoint
{
    static readonly byte[] Magic = "DISTILLCKPT1"u8.ToArray();
    const int HashBytes = 32;

    public static void Write(string path, CheckpointHeader header, nn.Module module, OptimizerHelper optimizer) =>
        AtomicFile.Write(path, file =>
        {
            using var hashing = new HashingStream(file);
            using (var writer = new BinaryWriter(hashing, Encoding.UTF8, leaveOpen: true))
            {
                writer.Write(Magic);
                var json = JsonSerializer.SerializeToUtf8Bytes(header, EpochMetrics.Json);
                writer.Write(json.Length);
                writer.Write(json);
                module.save(writer);
                optimizer.save_state_dict(writer);
                writer.Flush();
            }
            file.Write(hashing.Hash());
        });

    /// <summary>Reads the header only after verifying the whole file; throws <see cref="CorruptCheckpointException"/>.</summary>
    public static CheckpointHeader ReadHeader(string path) => Open(path, (header, _) => header);

    /// <summary>Verifies <paramref name="path"/>, then restores <paramref name="module"/> and <paramref name="optimizer"/> from it.</summary>
    public static CheckpointHeader Restore(string path, nn.Module module, OptimizerHelper? optimizer) =>
        Open(path, (header, reader) =>
        {
            module.load(reader, strict: true);
            optimizer?.load_state_dict(reader);
            return header;
        });

    static T Open<T>(string path, Func<CheckpointHeader, BinaryReader, T> read)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (IOException e) { throw new CorruptCheckpointException($"Checkpoint {path} cannot be read: {e.Message}", e); }
        if (bytes.Length < Magic.Length + 4 + HashBytes || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new CorruptCheckpointException(
                $"Checkpoint {path} is not a distill checkpoint or is truncated ({bytes.Length} bytes; expected magic 'DISTILLCKPT1' at offset 0).");
        int body = bytes.Length - HashBytes;
        if (!SHA256.HashData(bytes.AsSpan(0, body)).AsSpan().SequenceEqual(bytes.AsSpan(body)))
            throw new CorruptCheckpointException(
                $"Checkpoint {path} is truncated or damaged: the SHA-256 over bytes 0..{body} does not match the one stored at offset {body}.");
        using var reader = new BinaryReader(new MemoryStream(bytes, 0, body, writable: false));
        reader.ReadBytes(Magic.Length);
        int length = reader.ReadInt32();
        if (length <= 0 || length > body - Magic.Length - 4)
            throw new CorruptCheckpointException($"Checkpoint {path}: header length {length} at offset {Magic.Length} is out of range.");
        CheckpointHeader header;
        try
        {
            header = JsonSerializer.Deserialize<CheckpointHeader>(reader.ReadBytes(length), EpochMetrics.Json)
                     ?? throw new JsonException("null header");
        }
        catch (JsonException e)
        {
            throw new CorruptCheckpointException($"Checkpoint {path}: header at offset {Magic.Length + 4} is not valid JSON ({e.Message}).", e);
        }
        try { return read(header, reader); }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or EndOfStreamException)
        {
            throw new CorruptCheckpointException(
                $"Checkpoint {path} (epoch {header.Epoch}) does not fit this model/optimiser at offset {reader.BaseStream.Position}: {e.Message}", e);
        }
    }

    /// <summary>Passes writes through to <paramref name="inner"/> while hashing them.</summary>
    sealed class HashingStream(Stream inner) : Stream
    {
        readonly IncrementalHash sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public byte[] Hash() => sha.GetHashAndReset();
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            sha.AppendData(buffer);
            inner.Write(buffer);
        }
        public override void Flush() => inner.Flush();
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        protected override void Dispose(bool disposing)
        {
            if (disposing) sha.Dispose();
            base.Dispose(disposing);
        }
    }
}
