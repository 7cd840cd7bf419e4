namespace Conformance.Engine.Tests;

/// <param name="Run">The case patterns run against the server with the fault.</param>
/// <param name="Caught">Verdict ("behaviour/close") to the space-separated case patterns that must get it; every other case
/// run must get the verdict of a conforming server.</param>
/// <param name="Note">Why the catch is what it is, where the table cannot say it.</param>
internal sealed record FaultCatch(string[] Run, Dictionary<string, string> Caught, string? Note = null)
{
    /// <summary>
    /// The fault fails the opening handshake of the cases run outside category 0, so there it proves nothing about what
    /// those cases check: the mutation score counts its catches in category 0 only.
    /// </summary>
    public bool FailsEveryHandshake { get; init; }

    /// <summary>The fault stops the server, so each case runs against a server of its own.</summary>
    public bool OneServerPerCase { get; init; }

    /// <summary>The verdict ("behaviour/close") the case must get against the server with the fault.</summary>
    public string VerdictFor(CaseDefinition @case) =>
        Caught.FirstOrDefault(v => v.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Any(p => CasePattern.Matches(p, @case.Id))).Key
        ?? FaultTable.ConformingVerdict(@case);
}

/// <summary>For each fault of <see cref="FaultyEchoServer"/>, the cases that must catch it and the verdict they must give.</summary>
internal static class FaultTable
{
    /// <summary>
    /// The cases of frames and messages: every case but the opening handshake (category 0, whose faults are the
    /// handshake's own), the limits of category 9 and the compressed series of 12 and 13, whose large messages and long
    /// series add time and nothing these faults touch.
    /// </summary>
    public static readonly string[] FramesAndMessages = ["1.*", "2.*", "3.*", "4.*", "5.*", "6.*", "7.*", "10.*", "D.*", "R.*"];

    /// <summary>The smallest case of each group of categories 12 and 13: 1000 round trips of 16 octets.</summary>
    public static readonly string[] CompressedSample =
        ["12.1.1", "12.2.1", "12.3.1", "12.4.1", "12.5.1", "13.1.1", "13.2.1", "13.3.1", "13.4.1", "13.5.1", "13.6.1", "13.7.1"];

    /// <summary>Faults that spoil every case are checked on a sample of each category.</summary>
    public static readonly string[] Sample =
        ["1.1.1", "1.1.6", "1.2.1", "2.1", "2.2", "2.7", "3.1", "4.1.1", "5.1", "5.3", "5.6", "6.1.1", "6.3.1", "6.4.1",
         "7.1.1", "7.1.6", "7.3.2", "7.7.2", "7.9.1", "7.13.1", "10.1.1"];

    /// <summary>The verdict of a conforming server.</summary>
    public static string ConformingVerdict(CaseDefinition @case) => @case.Informational ? "INFORMATIONAL/INFORMATIONAL" : "OK/OK";

    /// <summary>
    /// For each case of the catalogue, the faults the table proves make it non-OK: those that run it and name another
    /// verdict than a conforming server's for it (a fault that fails every handshake counts in category 0 only).
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<ServerFault>> FaultsFailing(Catalogue catalogue)
    {
        var failing = catalogue.Cases.ToDictionary(c => c.Id, _ => new List<ServerFault>());
        foreach (var (fault, expected) in Catches)
        {
            foreach (var @case in catalogue.Select(expected.Run, []))
            {
                if (expected.FailsEveryHandshake && @case.Category != "0") continue;
                if (expected.VerdictFor(@case) != ConformingVerdict(@case)) failing[@case.Id].Add(fault);
            }
        }
        return failing.ToDictionary(f => f.Key, f => (IReadOnlyList<ServerFault>)f.Value);
    }

    public static readonly IReadOnlyDictionary<ServerFault, FaultCatch> Catches = new Dictionary<ServerFault, FaultCatch>
    {
        [ServerFault.WrongAcceptKey] = new([.. Sample, "0.*"], new()
        {
            ["FAILED/FAILED"] = "0.1.* 0.4.* 0.5.* 0.6.* 0.8.* 1.1.* 1.2.1 2.* 3.1 4.1.1 5.* 6.1.1 6.3.1 6.4.1 7.1.* 7.3.2 7.7.2 7.9.1 7.13.1 10.1.1",
            ["FAILED/INFORMATIONAL"] = "0.7.1 0.7.2 0.7.3 0.7.4 0.7.5 0.7.6 0.7.7 0.7.8",
            ["FAILED/OK"] = "0.7.9 0.7.10",
        },
            "No opening handshake completes: every case that needs one is FAILED, and in category 0 those whose request must be refused stay OK")
        { FailsEveryHandshake = true },
        [ServerFault.SubprotocolNotOffered] = new([.. Sample, "0.4.*"], new()
        {
            ["FAILED/FAILED"] = "0.4.1 0.4.4 1.1.* 1.2.1 2.* 3.1 4.1.1 5.* 6.1.1 6.3.1 6.4.1 7.1.* 7.3.2 7.7.2 7.9.1 7.13.1 10.1.1",
        },
            "Only a request that offers the subprotocol chat (0.4.2, 0.4.3) gets an answer a client accepts")
        { FailsEveryHandshake = true },
        [ServerFault.EchoesOfferedSubprotocols] = new(["0.4.*"], new()
        {
            ["FAILED/FAILED"] = "0.4.2 0.4.3",
        }),
        [ServerFault.EchoesOfferedExtensions] = new(["0.5.*", "0.8.*", "12.1.1", "13.3.1"], new()
        {
            ["FAILED/FAILED"] = "0.5.4 0.8.1 0.8.2 0.8.3 0.8.4 0.8.5 0.8.6 0.8.7 0.8.8 0.8.9 0.8.10 0.8.11 0.8.12 0.8.22 0.8.26 12.1.1 13.3.1",
        },
            "Accepting an offer the request made is no fault in itself: caught where the copy is no valid answer (an offer a server must decline, client_max_window_bits without a value, two offers accepted in 0.8.26)"),
        [ServerFault.AcceptsDeflateNotOffered] = new(["0.5.*"], new()
        {
            ["FAILED/FAILED"] = "0.5.1 0.5.2 0.5.3",
        }),
        [ServerFault.UpgradesEveryRequest] = new(["0.2.*", "0.3.*"], new()
        {
            ["FAILED/FAILED"] = "0.2.* 0.3.1 0.3.2 0.3.3 0.3.4 0.3.5 0.3.6",
            ["NON-STRICT/OK"] = "0.3.7 0.3.8 0.3.9",
        }),
        [ServerFault.MatchesHeadersLiterally] = new(["0.1.*"], new()
        {
            ["FAILED/FAILED"] = "0.1.6 0.1.7 0.1.8 0.1.9 0.1.10 0.1.11 0.1.12",
        }),
        [ServerFault.DropsFramesSentWithTheRequest] = new(["0.6.*"], new()
        {
            ["NON-STRICT/OK"] = "0.6.1 0.6.2 0.6.3",
            ["OK/UNCLEAN"] = "0.6.4",
        }),
        [ServerFault.StopsServingAfterABadRequest] = new(["0.7.*"], new()
        {
            ["FAILED/INFORMATIONAL"] = "0.7.1 0.7.2 0.7.3 0.7.4 0.7.5 0.7.6 0.7.7 0.7.8",
            ["FAILED/OK"] = "0.7.9 0.7.10",
        },
            "Caught by the normal connection each 0.7 case opens afterwards") { OneServerPerCase = true },
        [ServerFault.AcceptsUnmaskedFrames] = new(FramesAndMessages, new()
        {
            ["FAILED/FAILED"] = "R.1.*",
        },
            "No case of Autobahn's catalogue sends an unmasked frame (RFC 6455 5.1); the suite's own R.1 cases do"),
        [ServerFault.IgnoresReservedBits] = new(FramesAndMessages, new()
        {
            ["FAILED/FAILED"] = "3.1 3.2 3.3 3.4 3.5 3.6 D.1.2 D.1.3 D.1.5 D.1.6",
            ["OK/WRONG CODE"] = "D.1.1 D.1.4",
        },
            "In 3.7 the close frame with RSV bits carries no code; the server answers it as a close without a code, which the suite cannot tell from failing the connection"),
        [ServerFault.AcceptsReservedOpcodes] = new(FramesAndMessages, new()
        {
            ["OK/FAILED"] = "4.1.1 4.1.2 4.2.1 4.2.2",
            ["FAILED/FAILED"] = "4.1.3 4.1.4 4.1.5 4.2.3 4.2.4 4.2.5",
        }),
        [ServerFault.AcceptsFragmentedControlFrames] = new(FramesAndMessages, new()
        {
            ["FAILED/OK"] = "5.1",
        },
            "In 5.2 the fragmented pong gets no answer either way, and the stray continuation after it fails the connection"),
        [ServerFault.AcceptsOversizedControlFrames] = new(FramesAndMessages, new()
        {
            ["FAILED/FAILED"] = "2.5",
            ["FAILED/WRONG CODE"] = "7.3.6",
        }),
        [ServerFault.AcceptsContinuationWithoutStart] = new(FramesAndMessages, new()
        {
            ["FAILED/FAILED"] = "5.9 5.10 5.11 5.12 5.13 5.14 5.15 5.16 5.17",
        }),
        [ServerFault.AcceptsNewMessageInsideFragmented] = new(FramesAndMessages, new()
        {
            ["FAILED/FAILED"] = "5.18",
        }),
        [ServerFault.DropsPingsBetweenFragments] = new(FramesAndMessages, new()
        {
            ["FAILED/OK"] = "5.6 5.7 5.8 5.19 5.20",
            ["FAILED/WRONG CODE"] = "D.2.6",
        }),
        [ServerFault.EchoesEachFragmentAsAMessage] = new(FramesAndMessages, new()
        {
            ["FAILED/OK"] = "5.3 5.4 5.5 5.6 5.7 5.8 5.15 5.18 5.19 5.20 6.1.2 6.1.3 6.2.2 6.4.1 7.1.5",
            ["FAILED/UNCLEAN"] = "6.2.3 6.2.4",
            ["FAILED/FAILED"] = "6.3.2 6.4.2 6.6.1 6.6.3 6.6.4 6.6.6 6.6.8 6.6.10 6.14.6 6.14.7 R.2.*",
            ["FAILED/WRONG CODE"] = "10.1.1",
        }),
        [ServerFault.SkipsUtf8Validation] = new(FramesAndMessages, new()
        {
            ["FAILED/FAILED"] = "6.3.* 6.4.* 6.6.1 6.6.3 6.6.4 6.6.6 6.6.8 6.6.10 6.8.* 6.10.* 6.11.5 6.12.* 6.13.* 6.14.* 6.15.1 6.16.* 6.17.* 6.18.* 6.19.* 6.20.* 6.21.* D.3.2 R.2.*",
        }),
        [ServerFault.ValidatesUtf8OnlyAtMessageEnd] = new(FramesAndMessages, new()
        {
            ["NON-STRICT/OK"] = "6.4.*",
        }),
        [ServerFault.ValidatesUtf8OnlyAtFrameEnd] = new(FramesAndMessages, new()
        {
            ["NON-STRICT/OK"] = "6.4.3 6.4.4",
        }),
        [ServerFault.RejectsFourByteUtf8] = new(FramesAndMessages, new()
        {
            ["FAILED/OK"] = "6.4.2 6.4.4",
            ["FAILED/FAILED"] = "6.5.4 6.7.4 6.9.4 6.11.4 6.22.3 6.22.4 6.22.5 6.22.6 6.22.7 6.22.8 6.22.9 6.22.10 6.22.11 6.22.12 6.22.13 6.22.14 6.22.15 6.22.16 6.22.17 6.22.18 6.22.19 6.22.20 6.22.21 6.22.22 6.22.23 6.22.24 6.22.25 6.22.26 6.22.27 6.22.28 6.22.29 6.22.30 6.22.31 6.22.32 6.22.33 6.22.34",
        }),
        [ServerFault.WrongCodeOnInvalidUtf8] = new(FramesAndMessages, new()
        {
            ["OK/WRONG CODE"] = "6.3.* 6.4.* 6.6.1 6.6.3 6.6.4 6.6.6 6.6.8 6.6.10 6.8.* 6.10.* 6.11.5 6.12.* 6.13.* 6.14.* 6.15.1 6.16.* 6.17.* 6.18.* 6.19.* 6.20.* 6.21.* D.3.2 R.2.*",
        }),
        [ServerFault.WrongCodeOnProtocolError] = new(FramesAndMessages, new()
        {
            ["OK/WRONG CODE"] = "2.5 3.* 4.1.* 4.2.* 5.1 5.2 5.9 5.10 5.11 5.12 5.13 5.14 5.15 5.16 5.17 5.18 D.1.* D.3.1 R.1.*",
            ["FAILED/WRONG CODE"] = "7.3.2 7.3.6 7.9.*",
        }),
        [ServerFault.NoPong] = new(FramesAndMessages, new()
        {
            ["FAILED/OK"] = "2.1 2.2 2.3 2.4 2.6 2.9 2.10 2.11 5.6 5.7 5.8 5.19 5.20",
            ["FAILED/WRONG CODE"] = "D.2.6",
        }),
        [ServerFault.EmptyPong] = new(FramesAndMessages, new()
        {
            ["FAILED/OK"] = "2.2 2.3 2.4 2.6 2.9 2.10 2.11 5.6 5.7 5.8 5.19 5.20 D.2.6",
        }),
        [ServerFault.PongWithWrongPayload] = new(FramesAndMessages, new()
        {
            ["FAILED/OK"] = "2.2 2.3 2.9 2.10 2.11 5.6 5.7 5.8 5.19 5.20 D.2.6",
        }),
        [ServerFault.AnswersPongWithPong] = new(FramesAndMessages, new()
        {
            ["FAILED/OK"] = "2.7 2.8 2.9",
        }),
        [ServerFault.NeverAnswersClose] = new(Sample, new()
        {
            ["OK/UNCLEAN"] = "1.1.* 1.2.1 2.* 5.3 5.6 6.1.1 7.1.1 7.7.2 10.1.1",
            ["OK/FAILED BY CLIENT"] = "7.3.2 7.9.1",
        }),
        [ServerFault.KeepsTcpOpenAfterClose] = new(Sample, new()
        {
            ["OK/UNCLEAN"] = "1.1.* 1.2.1 2.* 5.3 5.6 6.1.1 7.1.1 7.7.2 10.1.1",
            ["OK/FAILED BY CLIENT"] = "3.1 4.1.1 5.1 6.3.1 6.4.1 7.3.2 7.9.1",
        }),
        [ServerFault.AnswersCloseWithWrongCode] = new(FramesAndMessages, new()
        {
            ["FAILED/WRONG CODE"] = "7.7.3 7.7.4 7.7.5 7.7.6 7.7.7 7.7.8 7.7.9 7.7.10 7.7.11 7.7.12 7.7.13",
        }),
        [ServerFault.EchoesInvalidCloseCode] = new(FramesAndMessages, new()
        {
            ["FAILED/WRONG CODE"] = "7.9.*",
        }),
        [ServerFault.AcceptsCloseWithOneOctetPayload] = new(FramesAndMessages, new()
        {
            ["FAILED/WRONG CODE"] = "7.3.2",
        },
            "Caught by the 1000 the server answers with; an answer without a code would pass, as in Autobahn"),
        [ServerFault.AcceptsInvalidUtf8InCloseReason] = new(FramesAndMessages, new()
        {
            ["FAILED/WRONG CODE"] = "7.5.1",
        }),
        [ServerFault.FailsOnValidCloseCode] = new(FramesAndMessages, new()
        {
            ["FAILED/WRONG CODE"] = "7.7.10 7.7.11 7.7.12 7.7.13",
        }),
        [ServerFault.EchoesClosePayloadAsItCame] = new(FramesAndMessages, new()
        {
            ["OK/FAILED BY CLIENT"] = "7.3.2",
            ["FAILED/WRONG CODE"] = "7.5.1 7.9.*",
        }),
        [ServerFault.SendsCloseReasonWithoutCode] = new(["7.*"], new()
        {
            ["OK/UNCLEAN"] = "7.1.1 7.1.2 7.1.3 7.1.4 7.1.5 7.3.1 7.3.3 7.3.4 7.3.5 7.7.*",
            ["FAILED/WRONG CODE"] = "7.3.2 7.3.6 7.5.1 7.9.*",
        },
            "Every close frame the server sends carries it; run on category 7, where the close is what is judged"),
        [ServerFault.AnswersPingsAfterClose] = new(FramesAndMessages, new()
        {
            ["FAILED/OK"] = "7.1.3",
        },
            "The pong follows the server's own close frame: caught because frames the server sends after its close count as events until TCP closes"),
        [ServerFault.EchoesDataAfterClose] = new(FramesAndMessages, new()
        {
            ["FAILED/OK"] = "7.1.4 7.1.5",
        },
            "The echo follows the server's own close frame: caught because frames the server sends after its close count as events until TCP closes"),
        [ServerFault.MasksServerFrames] = new(Sample, new()
        {
            ["FAILED/UNCLEAN"] = "1.1.* 1.2.1 5.3 5.6 6.1.1 7.1.1 10.1.1",
            ["OK/UNCLEAN"] = "2.* 7.7.2",
            ["OK/FAILED"] = "3.1 4.1.1 5.1",
            ["FAILED/FAILED"] = "6.3.1 6.4.1",
            ["OK/FAILED BY CLIENT"] = "7.3.2 7.9.1",
        }),
        [ServerFault.SetsRsvOnServerFrames] = new(Sample, new()
        {
            ["FAILED/WRONG CODE"] = "1.1.* 1.2.1 5.3 5.6 6.1.1 7.1.1 10.1.1",
        }),
        [ServerFault.UsesNonMinimalLengthEncoding] = new([.. Sample, "1.*"], new()
        {
            ["FAILED/UNCLEAN"] = "1.1.1 1.1.2 1.1.3 1.1.4 1.1.5 1.1.6 1.2.1 1.2.2 1.2.3 1.2.4 1.2.5 1.2.6 5.3 5.6 6.1.1 7.1.1",
            ["OK/UNCLEAN"] = "1.1.7 1.1.8 1.2.7 1.2.8 2.* 7.7.2 10.1.1",
            ["OK/FAILED"] = "3.1 4.1.1 5.1",
            ["FAILED/FAILED"] = "6.3.1 6.4.1",
            ["OK/FAILED BY CLIENT"] = "7.3.2 7.9.1",
        }),
        [ServerFault.EchoesTextAsBinary] = new(FramesAndMessages, new()
        {
            ["FAILED/WRONG CODE"] = "1.1.* 6.5.* 6.6.2 6.6.5 6.6.7 6.6.9 6.6.11 6.7.* 6.9.* 6.11.1 6.11.2 6.11.3 6.11.4 6.22.* 6.23.* 7.1.1 10.1.1",
            ["FAILED/OK"] = "3.2 3.3 3.4 4.1.3 4.1.4 4.1.5 4.2.3 4.2.4 4.2.5 5.3 5.4 5.5 5.6 5.7 5.8 5.15 5.19 5.20 6.1.* 6.2.* D.2.*",
        }),
        [ServerFault.TruncatesLargeMessages] = new(["1.*", "9.1.1", "9.1.2", "9.2.1", "9.2.2", "10.*"], new()
        {
            ["FAILED/OK"] = "9.1.2 9.2.2",
        }),
        [ServerFault.LimitsMessagesTo16KiB] = new(["1.*", "9.1.*", "9.2.*", "9.3.*", "9.4.*", "9.5.*", "9.6.*", "10.*"], new()
        {
            ["FAILED/FAILED"] = "1.1.6 1.1.7 1.1.8 1.2.6 1.2.7 1.2.8 9.1.* 9.2.* 9.3.* 9.4.* 9.5.* 9.6.* 10.1.1",
        }),
        [ServerFault.LimitsConnectionsTo500Messages] = new(["9.7.*", "9.8.*"], new()
        {
            ["FAILED/FAILED"] = "9.7.* 9.8.*",
        }),
        [ServerFault.AgreesDeflateWithoutImplementingIt] = new(["0.5.*", "0.8.*", "12.*", "13.*", "D.*"], new()
        {
            ["FAILED/FAILED"] = "0.8.21 0.8.22 0.8.23 0.8.24 0.8.25 0.8.26 0.8.27 0.8.28 12.1.* 12.2.* 12.3.* 12.4.* 12.5.* 13.1.* 13.2.* 13.3.* 13.4.* 13.5.* 13.6.* 13.7.* D.2.2 D.2.3 D.2.4 D.2.5 D.2.6",
            ["OK/WRONG CODE"] = "D.3.2",
        },
            "The first compressed message ends each case; D.3.2's compressed invalid text is refused, with 1002 for its RSV1 instead of 1007"),
        [ServerFault.TreatsEveryMessageAsCompressed] = new(["0.8.*", "D.*"], new()
        {
            ["FAILED/FAILED"] = "D.2.1",
        }),
        [ServerFault.CorruptsOneCompressedEcho] = new(["0.8.*", "D.*", .. CompressedSample], new()
        {
            ["FAILED/OK"] = "0.8.21 0.8.22 0.8.23 0.8.24 0.8.25 0.8.26 0.8.27 0.8.28 12.1.1 12.2.1 12.3.1 12.4.1 12.5.1 13.1.1 13.2.1 13.3.1 13.4.1 13.5.1 13.6.1 13.7.1",
        }),
        [ServerFault.KeepsContextDespiteServerNoContextTakeover] = new(["0.8.*", .. CompressedSample], new()
        {
            ["FAILED/OK"] = "0.8.25 13.2.1 13.5.1 13.6.1 13.7.1",
        }),
        [ServerFault.IgnoresServerMaxWindowBits] = new(["0.8.*", .. CompressedSample], new()
        {
            ["FAILED/OK"] = "0.8.23 13.3.1",
        },
            "Caught where the server's data reaches back further than the agreed window: 8 bits in 0.8.23, 9 bits with context takeover in 13.3.1 (13.5.1's 16-octet messages without context takeover never reach 512 octets back)"),
    };
}
