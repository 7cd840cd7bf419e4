using Conformance.Engine.Scoring;
using Conformance.Protocol;

namespace Conformance.Engine.Sessions;

/// <summary>
/// One normal connection: the suite's valid opening request with no extension offered, the server's answer, and the
/// suite's close. Before a run it says whether the target can be tested at all; after a case that sent a hostile
/// request it says whether the server still accepts connections.
/// </summary>
public static class Probe
{
    /// <summary>Why a normal connection could not be opened, or null when it opened.</summary>
    public static async Task<string?> OpenAsync(SessionOptions options, CancellationToken cancel)
    {
        var transcript = new Transcript();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(options.ConnectTimeout + options.OpenHandshakeTimeout + TimeSpan.FromSeconds(5));
        var wire = await WireConnection.OpenAsync(options, transcript, deadline.Token);
        if (wire is not null)
        {
            await using (wire)
            {
                try
                {
                    if (await HandshakeAsync(wire, options, transcript, deadline.Token)) await CloseAsync(wire, options, deadline.Token);
                }
                catch (OperationCanceledException) when (deadline.IsCancellationRequested)
                {
                    transcript.Add(WireEntryKind.Deadline, text: "the probe did not end before its deadline");
                }
                finally
                {
                    wire.Drop("the probe ended");
                }
            }
        }
        var reading = TranscriptReading.Read(transcript.Entries);
        return reading.HandshakeCompleted ? null : reading.HandshakeProblem;
    }

    /// <summary>The opening handshake, recorded as a case's session records it; true when the server accepted it.</summary>
    private static async Task<bool> HandshakeAsync(WireConnection wire, SessionOptions options, Transcript transcript, CancellationToken deadline)
    {
        var key = HandshakeKeys.NewKey();
        if (!await wire.WriteAsync(OpeningRequestWriter.Default(options, key, []), null, deadline, "the opening request")) return false;
        using var window = CancellationTokenSource.CreateLinkedTokenSource(deadline);
        window.CancelAfter(options.OpenHandshakeTimeout);
        var reader = new HandshakeReader(options.MaxHandshakeBytes);
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var n = await wire.ReadAsync(buffer, window.Token);
                if (n == 0) return false;
                if (reader.Append(buffer.AsSpan(0, n), out var response, out _, out var error) == ResponseParseStatus.NeedMoreData) continue;
                error ??= response!.ValidateAcceptance(key);
                if (error is null) return true;
                transcript.Add(WireEntryKind.Error, text: error);
                return false;
            }
        }
        catch (OperationCanceledException) when (!deadline.IsCancellationRequested)
        {
            var seconds = options.OpenHandshakeTimeout.TotalSeconds;
            transcript.Add(WireEntryKind.TimerFired, text: $"timer: {seconds:0.#} s passed without an answer to the opening handshake");
            transcript.Add(WireEntryKind.Error, text: $"no answer to the opening handshake within {seconds:0.#} s");
            return false;
        }
    }

    /// <summary>The suite's close (1000), then whatever the server sends until it closes TCP or the closing handshake's timers run out.</summary>
    private static async Task CloseAsync(WireConnection wire, SessionOptions options, CancellationToken deadline)
    {
        if (!await wire.WriteAsync(Frame.Client(Opcodes.Close, ClosePayload.Build(CloseCodes.Normal, [])).Encode(), null, deadline, "close: the probe is done")) return;
        using var window = CancellationTokenSource.CreateLinkedTokenSource(deadline);
        window.CancelAfter(options.CloseHandshakeTimeout + options.ServerDropTimeout);
        var buffer = new byte[16 * 1024];
        try
        {
            while (await wire.ReadAsync(buffer, window.Token) > 0) { }
        }
        catch (OperationCanceledException) when (!deadline.IsCancellationRequested)
        {
        }
    }
}
