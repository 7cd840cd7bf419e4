using System.Text;
using Conformance.Protocol;

namespace Conformance.Fuzzing.CoverageGuided;

/// <summary>
/// The parser of the server's answer to the opening handshake, on any octets. Parsed whole and cut at a point
/// the input chooses, the answers must fit together (a cut before the blank line needs more data, a cut after it
/// changes nothing); a parsed answer must hold only what HTTP allows, and the client's acceptance checks must
/// give an answer, not throw.
/// </summary>
public sealed class HandshakeResponseHarness : Harness
{
    private const int MaxHeaderBytes = 8192;
    private const string Key = "dGhlIHNhbXBsZSBub25jZQ==";

    public override string Name => "handshake-response";

    public override string Description => "Conformance.Protocol's UpgradeResponse parser and the client's acceptance checks";

    public override void Run(ReadOnlySpan<byte> input)
    {
        ResponseParseStatus status = UpgradeResponse.TryParse(input, MaxHeaderBytes, out UpgradeResponse? response, out int consumed, out string? error);
        if ((status == ResponseParseStatus.Invalid) != (error is not null))
            throw new OracleViolationException($"status {status} with error \"{error}\"");
        if (status == ResponseParseStatus.Complete) Check(response!, consumed, input);

        int cut = input.IsEmpty ? 0 : input[^1] % (input.Length + 1);
        ResponseParseStatus cutStatus = UpgradeResponse.TryParse(input[..cut], MaxHeaderBytes, out UpgradeResponse? cutResponse, out int cutConsumed, out _);
        switch (status)
        {
            case ResponseParseStatus.Complete when cut >= consumed:
                if (cutStatus != ResponseParseStatus.Complete || cutConsumed != consumed || Describe(cutResponse!) != Describe(response!))
                    throw new OracleViolationException($"cut at {cut}, after the blank line at {consumed}, the answer is {cutStatus}");
                break;
            case ResponseParseStatus.Complete or ResponseParseStatus.NeedMoreData when cutStatus != ResponseParseStatus.NeedMoreData:
                throw new OracleViolationException($"the whole is {status}, but cut at {cut} (before the end of the headers) it is {cutStatus}");
        }
    }

    private static void Check(UpgradeResponse response, int consumed, ReadOnlySpan<byte> input)
    {
        if (consumed < 1 || consumed > input.Length || input[consumed - 1] != (byte)'\n')
            throw new OracleViolationException($"consumed {consumed} of {input.Length} octets, not up to a line end");
        if (response.StatusCode is < 0 or > 999 || !response.HttpVersion.StartsWith("HTTP/", StringComparison.Ordinal))
            throw new OracleViolationException($"status line parsed as {response.HttpVersion} {response.StatusCode}");
        foreach ((string name, string value) in response.Headers)
        {
            if (name.Length == 0 || !name.All(HttpSyntax.IsTokenChar))
                throw new OracleViolationException($"header name \"{name}\" is not a token");
            if (value.Any(c => c is '\r' or '\n' or '\0'))
                throw new OracleViolationException($"the value of \"{name}\" holds a line end or NUL");
            if (response.GetHeader(name) is null)
                throw new OracleViolationException($"GetHeader does not find \"{name}\"");
        }

        response.ValidateAcceptance(Key);
        response.ValidateAcceptance(Key, ["chat", "superchat"], ["permessage-deflate; client_max_window_bits", "x-webkit-deflate-frame"]);
    }

    private static string Describe(UpgradeResponse response) =>
        $"{response.HttpVersion} {response.StatusCode} {response.ReasonPhrase}|" + string.Join("|", response.Headers.Select(h => $"{h.Key}:{h.Value}"));

    public override IEnumerable<byte[]> Seeds(SeedMaterial material) => SampleAnswers.Select(Encoding.Latin1.GetBytes);

    public override IEnumerable<byte[]> DictionaryTokens => FuzzingTokens.Handshake;

    private static readonly string[] SampleAnswers =
    [
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n",
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n" +
            "Sec-WebSocket-Protocol: chat\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=10; server_no_context_takeover\r\n\r\n\x81\x02hi",
        "HTTP/1.1 101 \nupgrade:WebSocket\nconnection: keep-alive, Upgrade\nsec-websocket-accept:\ts3pPLMBiTxaQ9kYGzzhZRbK+xOo= \n\n",
        "HTTP/1.1 400 Bad Request\r\nSec-WebSocket-Version: 13\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13, 8\r\nX-Folded: one\r\n  two\r\n\r\n",
        "HTTP/1.0 200 OK\r\nServer: x\r\n\r\n",
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: wrong\r\nSec-WebSocket-Extensions: x-unknown, ,\r\n\r\n",
    ];
}
