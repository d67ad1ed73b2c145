namespace Distill.Data;

/// <summary>
/// A read-only stream that computes the zip/gzip CRC-32 (System.IO.Hashing's) of every byte read through it. The zip
/// reader does not check a stored member's CRC, so <see cref="NpzReader"/> reads members through this.
/// </summary>
sealed class Crc32Stream(Stream inner) : Stream
{
    readonly System.IO.Hashing.Crc32 crc = new();

    /// <summary>The CRC-32 of the bytes read so far.</summary>
    public uint Crc => crc.GetCurrentHashAsUInt32();

    public override int Read(Span<byte> buffer)
    {
        int n = inner.Read(buffer);
        crc.Append(buffer[..n]);
        return n;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        return Read(one) == 1 ? one[0] : -1;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
