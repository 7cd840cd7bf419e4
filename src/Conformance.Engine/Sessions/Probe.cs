using Conformance.Engine.Wire;
using Conformance.Protocol;

namespace Conformance.Engine.Sessions;

/// <summary>
/// One normal connection: the suite's valid opening request with no extension offered, the server's answer, and the
/// suite's close. Before a run it says whether the target can be tested at all; after a case that sent a hostile
/// request, whether the server still accepts connections.
/// </summary>
public static class Probe
{
    /// <summary>Why a normal connection could not be opened, or null when it opened.</summary>
    public static async Task<string?> OpenAsync(SessionOptions options, CancellationToken cancel)
    {
        var transcript = new Transcript();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(options.ConnectTimeout + options.OpenHandshakeTimeout + TimeSpan.FromSeconds(5));
        if (options.Http2)
        {
            await OpenOverHttp2Async(options, transcript, deadline.Token);
        }
        else if (await WireConnection.OpenAsync(options, transcript, deadline.Token) is { } wire)
        {
            await using (wire)
            {
                try
                {
                    if (await HandshakeAsync(wire, options, transcript, deadline.Token)
                        && await wire.WriteAsync(Frame.Client(Opcodes.Close, ClosePayload.Build(CloseCodes.Normal, [])).Encode(), null, deadline.Token, "close: the probe is done"))
                        await ReadUntilClosedAsync(wire, options.CloseHandshakeTimeout + options.ServerDropTimeout, deadline.Token);
                }
                catch (OperationCanceledException) when (deadline.IsCancellationRequested)
                {
                }
                finally
                {
                    wire.Drop("the probe ended");
                }
            }
        }
        var reading = transcript.Reading();
        return reading.HandshakeCompleted ? null : reading.HandshakeProblem;
    }

    /// <summary>The same over HTTP/2: extended CONNECT on a connection of its own, the answer judged, the suite's close.</summary>
    private static async Task OpenOverHttp2Async(SessionOptions options, Transcript transcript, CancellationToken deadline)
    {
        if (await Http2StreamWire.OpenAsync(options, transcript, deadline) is not { } wire) return;
        await using (wire)
        {
            try
            {
                var request = wire.Request(options, []);
                if (await wire.OpenWebSocketAsync(request, options.OpenHandshakeTimeout, deadline) is { } answer
                    && ExtendedConnect.Judge(request, ExtendedConnect.Response(answer.Fields), out _, out _) is null
                    && await wire.WriteAsync(Frame.Client(Opcodes.Close, ClosePayload.Build(CloseCodes.Normal, [])).Encode(), null, deadline, "close: the probe is done"))
                    await ReadUntilClosedAsync(wire, options.CloseHandshakeTimeout + options.ServerDropTimeout, deadline);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
            }
            finally
            {
                wire.Drop("the probe ended");
            }
        }
    }

    /// <summary>The opening handshake, its problems recorded as a case's session records them; true when the server accepted it.</summary>
    private static async Task<bool> HandshakeAsync(WireConnection wire, SessionOptions options, Transcript transcript, CancellationToken deadline)
    {
        var key = HandshakeKeys.NewKey();
        if (!await wire.WriteAsync(OpeningRequestWriter.Default(options, key, []), null, deadline, "the opening request")) return false;
        var reader = new HandshakeReader(options.MaxHandshakeBytes);
        var buffer = new byte[16 * 1024];
        using var window = CancellationTokenSource.CreateLinkedTokenSource(deadline);
        window.CancelAfter(options.OpenHandshakeTimeout);
        try
        {
            for (var n = await wire.ReadAsync(buffer, window.Token); n > 0; n = await wire.ReadAsync(buffer, window.Token))
            {
                if (reader.Append(buffer.AsSpan(0, n), out var response, out _, out var error) == ResponseParseStatus.NeedMoreData) continue;
                if ((error ?? response!.ValidateAcceptance(key)) is not { } problem) return true;
                transcript.Add(WireEntryKind.Error, text: problem);
                return false;
            }
            return false;
        }
        catch (OperationCanceledException) when (!deadline.IsCancellationRequested)
        {
            transcript.Add(WireEntryKind.Error, text: $"no answer to the opening handshake within {options.OpenHandshakeTimeout.TotalSeconds:0.#} s");
            return false;
        }
    }

    /// <summary>Whatever the server sends until it closes TCP or the time runs out.</summary>
    private static async Task ReadUntilClosedAsync(ISessionWire wire, TimeSpan limit, CancellationToken deadline)
    {
        using var window = CancellationTokenSource.CreateLinkedTokenSource(deadline);
        window.CancelAfter(limit);
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
