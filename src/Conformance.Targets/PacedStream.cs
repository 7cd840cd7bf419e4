using System.Diagnostics;

namespace Conformance.Targets;

/// <summary>
/// A stream that spends processor time on every octet it reads or writes, as an interpreted server spends it framing,
/// masking and copying: a few tens of megabytes a second instead of gigabytes. The time is spun, not slept, so it
/// takes a core and competes with everything else the machine is doing.
/// </summary>
internal sealed class PacedStream(Stream inner, long octetsPerSecond) : Stream
{
    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancel = default)
    {
        var read = await inner.ReadAsync(buffer, cancel);
        Spend(read);
        return read;
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancel = default)
    {
        Spend(buffer.Length);
        await inner.WriteAsync(buffer, cancel);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancel) =>
        ReadAsync(buffer.AsMemory(offset, count), cancel).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancel) =>
        WriteAsync(buffer.AsMemory(offset, count), cancel).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();
    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();
    public override Task FlushAsync(CancellationToken cancel) => inner.FlushAsync(cancel);
    public override void Flush() => inner.Flush();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

    private void Spend(int octets)
    {
        if (octets <= 0) return;
        var until = Stopwatch.GetTimestamp() + octets * Stopwatch.Frequency / octetsPerSecond;
        while (Stopwatch.GetTimestamp() < until) Thread.SpinWait(20);
    }
}
