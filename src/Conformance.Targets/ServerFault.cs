namespace Conformance.Targets;

/// <summary>
/// One violation of RFC 6455 (or RFC 7692, or a limit that breaks what a client may expect) that
/// <see cref="FaultyEchoServer"/> commits when it is switched on, each a mistake real servers have shipped with. The
/// server commits at most one at a time.
/// </summary>
public enum ServerFault
{
    // Opening handshake (RFC 6455 4.2.2)
    /// <summary>Sec-WebSocket-Accept hashes the key without the GUID.</summary>
    WrongAcceptKey,
    /// <summary>Answers with Sec-WebSocket-Protocol: chat, which the client never offered.</summary>
    SubprotocolNotOffered,
    /// <summary>Answers with Sec-WebSocket-Protocol listing every subprotocol offered instead of choosing one.</summary>
    EchoesOfferedSubprotocols,
    /// <summary>Answers with Sec-WebSocket-Extensions copied from the request, accepting every offer as it came.</summary>
    EchoesOfferedExtensions,
    /// <summary>Answers with Sec-WebSocket-Extensions: permessage-deflate whatever the request offered, as a server with compression switched on for all.</summary>
    AcceptsDeflateNotOffered,
    /// <summary>Upgrades whatever the request holds: any method, HTTP version, version, or missing and doubled header fields.</summary>
    UpgradesEveryRequest,
    /// <summary>Matches header fields as strings: names case-sensitively, values whole and exactly ("websocket", "Upgrade").</summary>
    MatchesHeadersLiterally,
    /// <summary>Discards the octets that came in the same read as the request, so frames sent at once are lost.</summary>
    DropsFramesSentWithTheRequest,
    /// <summary>
    /// After a request it refuses, that is too large, or that has not ended within a second, the server stops accepting
    /// connections, as when the error escapes into its accept loop.
    /// </summary>
    StopsServingAfterABadRequest,

    // Framing the server reads (5.1, 5.2, 5.5)
    AcceptsUnmaskedFrames,
    IgnoresReservedBits,
    AcceptsReservedOpcodes,
    AcceptsFragmentedControlFrames,
    AcceptsOversizedControlFrames,

    // Fragmentation (5.4)
    AcceptsContinuationWithoutStart,
    AcceptsNewMessageInsideFragmented,
    DropsPingsBetweenFragments,
    /// <summary>Echoes each data frame as a message of its own, so a fragmented message comes back as several.</summary>
    EchoesEachFragmentAsAMessage,

    // UTF-8 (5.6, 8.1)
    SkipsUtf8Validation,
    ValidatesUtf8OnlyAtMessageEnd,
    ValidatesUtf8OnlyAtFrameEnd,
    /// <summary>Treats 4-octet sequences (characters beyond U+FFFF) as invalid, like MySQL's utf8mb3.</summary>
    RejectsFourByteUtf8,
    WrongCodeOnInvalidUtf8,

    // Failing the connection (7.1.7, 7.4.1)
    WrongCodeOnProtocolError,

    // Pings and pongs (5.5.2, 5.5.3)
    NoPong,
    EmptyPong,
    /// <summary>The pong carries the ping's payload reversed.</summary>
    PongWithWrongPayload,
    AnswersPongWithPong,

    // Closing (5.5.1, 7.1.1, 7.4)
    /// <summary>Never sends a close frame back and leaves TCP open until the peer gives up.</summary>
    NeverAnswersClose,
    KeepsTcpOpenAfterClose,
    /// <summary>Answers a close with any code but 1000 with 1001 instead of echoing it.</summary>
    AnswersCloseWithWrongCode,
    EchoesInvalidCloseCode,
    /// <summary>Answers a close frame of one octet with 1000 instead of failing with 1002.</summary>
    AcceptsCloseWithOneOctetPayload,
    AcceptsInvalidUtf8InCloseReason,
    /// <summary>Fails the connection with 1002 on the registered and private codes 3000-4999.</summary>
    FailsOnValidCloseCode,
    /// <summary>Answers a close frame with its payload as it came, unchecked: a 1-octet payload, an invalid code, invalid UTF-8.</summary>
    EchoesClosePayloadAsItCame,
    /// <summary>Puts the reason "bye" in its close frames without a status code, which a client reads as the undefined code 25209.</summary>
    SendsCloseReasonWithoutCode,
    /// <summary>Answers the peer's close, then still answers the pings that came after it: the pong follows its own close frame.</summary>
    AnswersPingsAfterClose,
    /// <summary>Answers the peer's close, then still echoes the data that came after it (completing a message begun before).</summary>
    EchoesDataAfterClose,

    // Frames the server sends (5.1, 5.2, 5.6)
    MasksServerFrames,
    SetsRsvOnServerFrames,
    UsesNonMinimalLengthEncoding,
    EchoesTextAsBinary,
    /// <summary>Echoes only the first 64 KiB of a longer message.</summary>
    TruncatesLargeMessages,

    // Limits (10.4): each fails clients that RFC 6455 lets send what they send
    /// <summary>Fails the connection with 1009 on a message of more than 16 KiB, a default limit some servers ship.</summary>
    LimitsMessagesTo16KiB,
    /// <summary>Closes the connection with 1008 when the client sends its 501st message, a per-connection quota.</summary>
    LimitsConnectionsTo500Messages,

    // permessage-deflate (RFC 7692), with the server started with deflate
    /// <summary>Accepts a permessage-deflate offer in the handshake, but its frame reader fails the connection on RSV1 and it never compresses.</summary>
    AgreesDeflateWithoutImplementingIt,
    /// <summary>Decompresses every data message once permessage-deflate is agreed, whether RSV1 says it is compressed or not.</summary>
    TreatsEveryMessageAsCompressed,
    /// <summary>Its second compressed echo goes out with the type of its first DEFLATE block changed, as by a corrupted buffer.</summary>
    CorruptsOneCompressedEcho,
    /// <summary>Agrees to server_no_context_takeover but keeps its LZ77 window from one message to the next.</summary>
    KeepsContextDespiteServerNoContextTakeover,
    /// <summary>Agrees to a smaller server_max_window_bits but compresses with the full 32 KiB window.</summary>
    IgnoresServerMaxWindowBits,
}
