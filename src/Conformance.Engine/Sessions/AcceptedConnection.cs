using System.Net.Sockets;
using System.Text;
using Conformance.Engine.Wire;
using Conformance.Protocol;

namespace Conformance.Engine.Sessions;

/// <summary>
/// A connection a client opened to the suite (playing the server), with its opening request read and recorded: what
/// the request asks for (its target names the case, in Autobahn's fuzzingserver protocol) decides what is played on it.
/// </summary>
internal sealed record AcceptedConnection(WireConnection Wire, Transcript Transcript, OpeningRequestHead Request, ReadOnlyMemory<byte> Early)
{
    /// <summary>The path of the request target, without its query.</summary>
    public string Path => Request.Target.Split('?', 2)[0];

    /// <summary>The value of a query parameter of the request target (the last when given twice), unescaped; null when absent.</summary>
    public string? Query(string name)
    {
        var parts = Request.Target.Split('?', 2);
        if (parts.Length < 2) return null;
        string? value = null;
        foreach (var pair in parts[1].Split('&'))
        {
            var kv = pair.Split('=', 2);
            if (Uri.UnescapeDataString(kv[0].Replace('+', ' ')) == name) value = kv.Length > 1 ? Uri.UnescapeDataString(kv[1].Replace('+', ' ')) : "";
        }
        return value;
    }

    /// <summary>
    /// Reads the opening request's head (at most the options' handshake limit, within the opening handshake timeout);
    /// null, with the connection closed, when the client sent no complete head.
    /// </summary>
    public static async Task<AcceptedConnection?> ReadAsync(TcpClient client, SessionOptions options, CancellationToken cancel)
    {
        var transcript = new Transcript(options.MaxFramePayload, options.StoredOctetsPerDirection);
        var wire = await WireConnection.AcceptedAsync(client, options, transcript, cancel);
        if (wire is null) return null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(options.OpenHandshakeTimeout);
        var buffer = new byte[options.MaxHandshakeBytes];
        var count = 0;
        try
        {
            while (HttpHead.Length(buffer.AsSpan(0, count)) is var end)
            {
                if (end >= 0)
                {
                    var head = Encoding.Latin1.GetString(buffer, 0, end).TrimEnd('\r', '\n');
                    return new AcceptedConnection(wire, transcript, OpeningRequestHead.Parse(head), buffer.AsMemory(end, count - end).ToArray());
                }
                if (count == buffer.Length) break;
                var n = await wire.ReadAsync(buffer.AsMemory(count), timeout.Token);
                if (n == 0) break;
                count += n;
            }
        }
        catch (OperationCanceledException)
        {
        }
        wire.Drop("no complete opening request");
        await wire.DisposeAsync();
        return null;
    }
}
