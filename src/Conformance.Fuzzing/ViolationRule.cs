namespace Conformance.Fuzzing;

/// <summary>The RFC's rule behind each kind of violation, and the oracle it gives.</summary>
/// <param name="SuiteStartsClose">The violation is a close frame, so the suite starts the closing handshake (as Autobahn's 7.x).</param>
/// <param name="Informational">The RFC does not say what the receiver does: only a crash or a hang is a finding.</param>
public sealed record ViolationRule(
    IReadOnlyList<string> Rfc, string Requirement, string Expectation, int CloseCode, bool SuiteStartsClose = false, bool Informational = false)
{
    private const string Fail =
        "When an endpoint is to _Fail the WebSocket Connection_, the endpoint MUST _Close the WebSocket Connection_, and MAY report the problem to the user.";
    private const string Nothing = " Nothing of the invalid part is echoed; a valid message sent before it is echoed first.";

    public static ViolationRule For(ViolationKind kind) => kind switch
    {
        ViolationKind.ReservedBits => new(["RFC6455 5.2"],
            "RSV1, RSV2, RSV3: 1 bit each MUST be 0 unless an extension is negotiated that defines meanings for non-zero values. If a nonzero value is received and none of the negotiated extensions defines the meaning of such a nonzero value, the receiving endpoint MUST _Fail the WebSocket Connection_.",
            "The server fails the connection (close 1002 or a TCP drop)." + Nothing, 1002),
        ViolationKind.ReservedOpcode => new(["RFC6455 5.2"],
            "If an unknown opcode is received, the receiving endpoint MUST _Fail the WebSocket Connection_.",
            "The server fails the connection (close 1002 or a TCP drop)." + Nothing, 1002),
        ViolationKind.OversizedControlFrame => new(["RFC6455 5.5"],
            "All control frames MUST have a payload length of 125 bytes or less and MUST NOT be fragmented.",
            "The server fails the connection (close 1002 or a TCP drop) and sends no pong." + Nothing, 1002),
        ViolationKind.FragmentedControlFrame => new(["RFC6455 5.5", "RFC6455 5.4"],
            "All control frames MUST have a payload length of 125 bytes or less and MUST NOT be fragmented. Control frames themselves MUST NOT be fragmented.",
            "The server fails the connection (close 1002 or a TCP drop) and sends no pong." + Nothing, 1002),
        ViolationKind.ContinuationWithoutStart => new(["RFC6455 5.4"],
            "A fragmented message consists of a single frame with the FIN bit clear and an opcode other than 0, followed by zero or more frames with the FIN bit clear and the opcode set to 0, and terminated by a single frame with the FIN bit set and an opcode of 0. " + Fail,
            "The server fails the connection (close 1002 or a TCP drop): there is no message to continue." + Nothing, 1002),
        ViolationKind.NewMessageInsideFragmented => new(["RFC6455 5.4"],
            "The fragments of one message MUST NOT be interleaved between the fragments of another message unless an extension has been negotiated that can interpret the interleaving.",
            "The server fails the connection (close 1002 or a TCP drop)." + Nothing, 1002),
        ViolationKind.InvalidUtf8 => new(["RFC6455 8.1", "RFC6455 5.6"],
            "When an endpoint is to interpret a byte stream as UTF-8 but finds that the byte stream is not, in fact, a valid UTF-8 stream, that endpoint MUST _Fail the WebSocket Connection_.",
            "The server fails the connection (close 1007 or a TCP drop) and does not echo the text." + Nothing, 1007),
        ViolationKind.InvalidCloseCode => new(["RFC6455 7.4.1", "RFC6455 7.4.2"],
            "Status codes in the range 0-999 are not used. 1004, 1005 and 1006 MUST NOT be set as a status code in a Close control frame by an endpoint. An endpoint MUST NOT send a close code it does not know to be valid.",
            "The server answers the suite's close with 1002 (protocol error), or drops the TCP connection; it does not echo the invalid code.", 1002, SuiteStartsClose: true),
        ViolationKind.OneOctetClosePayload => new(["RFC6455 5.5.1"],
            "If there is a body, the first two bytes of the body MUST be a 2-byte unsigned integer (in network byte order) representing a status code.",
            "The server answers the suite's one-octet close with 1002 (protocol error), or drops the TCP connection.", 1002, SuiteStartsClose: true),
        ViolationKind.NonMinimalLength => new(["RFC6455 5.2"],
            "Note that in all cases, the minimal number of bytes MUST be used to encode the length. (The RFC binds the sender; it does not say what a receiver does.)",
            "The RFC leaves it open whether the server echoes the frame or fails the connection; it must do one of the two, and keep serving.", 1002, Informational: true),
        ViolationKind.UnmaskedFrame => new(["RFC6455 5.1"],
            "The server MUST close the connection upon receiving a frame that is not masked. In this case, a server MAY send a Close frame with a status code of 1002 (protocol error).",
            "The server fails the connection (close 1002 or a TCP drop) and does not echo the frame." + Nothing, 1002),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
