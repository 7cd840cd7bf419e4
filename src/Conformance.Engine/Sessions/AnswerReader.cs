using Conformance.Engine.Wire;
using Conformance.Protocol;

namespace Conformance.Engine.Sessions;

/// <summary>
/// Reads the server's answer to a request it is expected to refuse: the status line, the headers and a body up to
/// a limit (by Content-Length, to the end of a chunked body, or until the server closes), within a deadline.
/// Nothing is sent after the request.
/// </summary>
internal static class AnswerReader
{
    private const int MaxBodyBytes = 64 * 1024;

    public static async Task ReadAsync(ISessionWire wire, SessionOptions options, Transcript transcript, CancellationToken deadline)
    {
        using var window = CancellationTokenSource.CreateLinkedTokenSource(deadline);
        window.CancelAfter(options.OpenHandshakeTimeout);
        var buffer = new byte[16 * 1024];
        var answer = new MemoryStream();
        try
        {
            while (true)
            {
                var n = await wire.ReadAsync(buffer, window.Token);
                if (n == 0) return;
                answer.Write(buffer, 0, n);
                if (IsComplete(answer.GetBuffer().AsSpan(0, (int)answer.Length), options.MaxHandshakeBytes))
                {
                    wire.Drop("the server's answer is complete");
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (!deadline.IsCancellationRequested)
        {
            transcript.Add(WireEntryKind.TimerFired, text: $"timer: no complete answer within {options.OpenHandshakeTimeout.TotalSeconds:0.#} s");
            wire.Drop("the answer window passed");
        }
    }

    private static bool IsComplete(ReadOnlySpan<byte> bytes, int maxHeaderBytes)
    {
        if (bytes.Length > maxHeaderBytes + MaxBodyBytes) return true;
        var status = UpgradeResponse.TryParse(bytes, maxHeaderBytes, out var response, out var consumed, out _);
        if (status == ResponseParseStatus.Invalid) return true;
        if (status == ResponseParseStatus.NeedMoreData) return false;
        if (response!.StatusCode == 101) return true;
        var body = bytes[consumed..];
        if (HttpSyntax.ListContainsToken(response.GetHeader("Transfer-Encoding"), "chunked"))
            return body.IndexOf("0\r\n\r\n"u8) >= 0;
        if (long.TryParse(response.GetHeader("Content-Length"), out var length)) return body.Length >= Math.Min(length, MaxBodyBytes);
        return body.Length >= MaxBodyBytes;
    }
}
