using System.Net;
using System.Net.Sockets;
using Conformance.Protocol.Http2;

namespace Conformance.Protocol.Tests.Http2;

/// <summary>The server side of one HTTP/2 connection on loopback, written frame by frame by a test; every read has a deadline.</summary>
internal sealed class ScriptedHttp2Server : IAsyncDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Http2FrameDecoder _decoder = new(Http2Limits.LargestMaxFrameSize);
    private readonly byte[] _buffer = new byte[64 * 1024];
    private TcpClient? _client;
    private NetworkStream? _stream;

    public ScriptedHttp2Server() => _listener.Start();

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Accepts the client, checks its preface and sends these SETTINGS.</summary>
    public async Task AcceptAsync(params (Http2SettingId, uint)[] settings)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        _client = await _listener.AcceptTcpClientAsync(deadline.Token);
        _stream = _client.GetStream();
        var preface = new byte[Http2Limits.ClientPreface.Length];
        await _stream.ReadExactlyAsync(preface, deadline.Token);
        Assert.That(preface, Is.EqualTo(Http2Limits.ClientPreface.ToArray()));
        await SendAsync(Http2FrameEncoder.Settings(settings));
    }

    public async Task SendAsync(params Http2Frame[] frames) => await SendRawAsync([.. frames.SelectMany(f => f.Encode())]);

    public async Task SendRawAsync(byte[] octets)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        await _stream!.WriteAsync(octets, deadline.Token);
    }

    /// <summary>The client's next frame; null when it closed the connection.</summary>
    public async Task<Http2Frame?> NextAsync()
    {
        using var deadline = new CancellationTokenSource(Deadline);
        while (true)
        {
            if (_decoder.Next() is { } frame) return frame;
            Assert.That(_decoder.Error, Is.Null);
            int read = await _stream!.ReadAsync(_buffer, deadline.Token);
            if (read == 0) return null;
            _decoder.Append(_buffer.AsSpan(0, read));
        }
    }

    /// <summary>The client's next frame of this type, passing over others (its SETTINGS, ACKs, WINDOW_UPDATEs).</summary>
    public async Task<Http2Frame> NextAsync(Http2FrameType type)
    {
        while (await NextAsync() is { } frame)
            if (frame.Type == (byte)type) return frame;
        Assert.Fail($"the client closed the connection before sending {type}");
        return null!;
    }

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        _listener.Stop();
        await Task.CompletedTask;
    }
}
