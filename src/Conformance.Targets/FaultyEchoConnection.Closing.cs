using System.Net.Sockets;
using Conformance.Protocol;

namespace Conformance.Targets;

/// <summary>The closing handshake and failing the connection (RFC 6455 5.5.1, 7.1.1, 7.1.7, 7.4).</summary>
internal sealed partial class FaultyEchoConnection
{
    private async Task<Next> AnswerCloseAsync(byte[] payload, CancellationToken cancel)
    {
        _peerSentClose = true;
        if (Has(ServerFault.NeverAnswersClose))
        {
            await LingerAsync(cancel);
            return Next.Stop;
        }

        if (Has(ServerFault.EchoesClosePayloadAsItCame)) return await CloseAsync(payload, cancel);
        if (payload.Length == 1)
        {
            return Has(ServerFault.AcceptsCloseWithOneOctetPayload)
                ? await CloseAsync(CloseCodes.Normal, cancel)
                : await FailAsync(ProtocolErrorCode, cancel);
        }

        var close = ClosePayload.Parse(payload, out _);
        if (close.Code is not { } code) return await CloseAsync([], cancel);
        if (!CloseCodes.IsValidOnWire(code))
        {
            return Has(ServerFault.EchoesInvalidCloseCode) ? await CloseAsync(code, cancel) : await FailAsync(ProtocolErrorCode, cancel);
        }

        if (code is >= 3000 and <= 4999 && Has(ServerFault.FailsOnValidCloseCode)) return await FailAsync(ProtocolErrorCode, cancel);
        if (!Utf8Validator.IsValid(close.Reason) && !Has(ServerFault.AcceptsInvalidUtf8InCloseReason))
        {
            return await FailAsync(InvalidUtf8Code, cancel);
        }

        var answer = code != CloseCodes.Normal && Has(ServerFault.AnswersCloseWithWrongCode) ? CloseCodes.GoingAway : code;
        return await CloseAsync(answer, cancel);
    }

    private Task<Next> CloseAsync(ushort code, CancellationToken cancel) => CloseAsync(ClosePayload.Build(code, []), cancel);

    /// <summary>Answers the peer's close frame, then closes TCP.</summary>
    private async Task<Next> CloseAsync(byte[] payload, CancellationToken cancel)
    {
        await SendCloseAsync(payload, cancel);
        if (Has(ServerFault.AnswersPingsAfterClose) || Has(ServerFault.EchoesDataAfterClose))
        {
            if (await HandleFramesAfterCloseAsync(cancel) == Next.Stop) return Next.Stop;
        }
        await CloseTcpAsync(cancel);
        return Next.Stop;
    }

    /// <summary>What a server that goes on reading after its close does with the frames that came behind the peer's close.</summary>
    private async Task<Next> HandleFramesAfterCloseAsync(CancellationToken cancel)
    {
        while (_decoder.TryRead(out var frame) == DecodeStatus.Frame)
        {
            var opcode = frame!.Header.Opcode;
            if (opcode == Opcodes.Ping && Has(ServerFault.AnswersPingsAfterClose))
            {
                await SendAsync(Opcodes.Pong, frame.Payload, 0, cancel);
            }
            else if (opcode is Opcodes.Text or Opcodes.Binary or Opcodes.Continuation && Has(ServerFault.EchoesDataAfterClose))
            {
                if (await ReceiveDataAsync(frame, cancel) == Next.Stop) return Next.Stop;
            }
        }
        return Next.Continue;
    }

    /// <summary>
    /// Sends a close frame with the code, waits for the peer's close frame unless it came already or cannot be found
    /// (it would arrive behind the rest of a frame not yet whole), then closes TCP.
    /// </summary>
    private async Task<Next> FailAsync(ushort code, CancellationToken cancel, bool midFrame = false)
    {
        await SendCloseAsync(ClosePayload.Build(code, []), cancel);
        if (!_peerSentClose && !midFrame) await AwaitPeerCloseAsync(cancel);
        await CloseTcpAsync(cancel);
        return Next.Stop;
    }

    private Task SendCloseAsync(byte[] payload, CancellationToken cancel) =>
        SendAsync(Opcodes.Close, Has(ServerFault.SendsCloseReasonWithoutCode) ? "bye"u8.ToArray() : payload, 0, cancel);

    private async Task AwaitPeerCloseAsync(CancellationToken cancel)
    {
        using var linger = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        linger.CancelAfter(LingerLimit);
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                DecodeStatus status;
                while ((status = _decoder.TryRead(out var frame)) == DecodeStatus.Frame)
                {
                    if (frame!.Header.Opcode == Opcodes.Close) return;
                }

                if (status == DecodeStatus.Error) return;
                var read = await _stream.ReadAsync(buffer, linger.Token);
                if (read == 0) return;
                _decoder.Append(buffer.AsSpan(0, read));
            }
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Sends FIN and waits for the peer's, so that nothing unread is left when the socket closes (closing with unread
    /// octets resets the connection, and a reset can overtake the close frame).
    /// </summary>
    private async Task CloseTcpAsync(CancellationToken cancel)
    {
        if (!Has(ServerFault.KeepsTcpOpenAfterClose)) _socket.Shutdown(SocketShutdown.Send);
        await LingerAsync(cancel);
    }

    /// <summary>Reads and discards until the peer closes TCP, for at most <see cref="LingerLimit"/>.</summary>
    private async Task LingerAsync(CancellationToken cancel)
    {
        using var linger = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        linger.CancelAfter(LingerLimit);
        var buffer = new byte[16 * 1024];
        try
        {
            while (await _stream.ReadAsync(buffer, linger.Token) > 0)
            {
            }
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
        }
    }
}
