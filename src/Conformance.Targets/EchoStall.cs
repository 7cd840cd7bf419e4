namespace Conformance.Targets;

/// <summary>A pause before each of a server's first few echoes, counted across all its connections.</summary>
internal sealed class EchoStall(TimeSpan pause, int echoes)
{
    private int _echoed;

    public Task BeforeEchoAsync(CancellationToken cancel) =>
        Interlocked.Increment(ref _echoed) <= echoes ? Task.Delay(pause, cancel) : Task.CompletedTask;
}
