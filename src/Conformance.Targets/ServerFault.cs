namespace Conformance.Targets;

/// <summary>
/// One violation of RFC 6455 that <see cref="FaultyEchoServer"/> commits when it is switched on, each a mistake
/// real servers have shipped with. The server commits at most one at a time.
/// </summary>
public enum ServerFault
{
    // Opening handshake (RFC 6455 4.2.2)
    WrongAcceptKey,
    SubprotocolNotOffered,

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

    // UTF-8 (5.6, 8.1)
    SkipsUtf8Validation,
    ValidatesUtf8OnlyAtMessageEnd,
    ValidatesUtf8OnlyAtFrameEnd,
    RejectsFourByteUtf8,
    WrongCodeOnInvalidUtf8,

    // Failing the connection (7.1.7, 7.4.1)
    WrongCodeOnProtocolError,

    // Pings and pongs (5.5.2, 5.5.3)
    NoPong,
    EmptyPong,
    PongWithWrongPayload,
    AnswersPongWithPong,

    // Closing (5.5.1, 7.1.1, 7.4)
    NeverAnswersClose,
    KeepsTcpOpenAfterClose,
    AnswersCloseWithWrongCode,
    EchoesInvalidCloseCode,
    AcceptsCloseWithOneOctetPayload,
    AcceptsInvalidUtf8InCloseReason,
    FailsOnValidCloseCode,

    // Frames the server sends (5.1, 5.2, 5.6)
    MasksServerFrames,
    SetsRsvOnServerFrames,
    UsesNonMinimalLengthEncoding,
    EchoesTextAsBinary,
    TruncatesLargeMessages,
}
