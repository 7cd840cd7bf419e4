using Conformance.Engine.Wire;
namespace Conformance.Engine.Cases;

/// <summary>One scripted conversation with the server and the outcomes that make each verdict.</summary>
public sealed record CaseDefinition : CaseDescription
{
    public required IReadOnlyList<Step> Steps { get; init; }
    public required IReadOnlyList<ExpectedOutcome> Outcomes { get; init; }
    public required ExpectedClose Close { get; init; }
    public required EndTimer End { get; init; }
    public bool Informational { get; init; }
    /// <summary>Null: the suite's valid opening request.</summary>
    public OpeningRequest? Request { get; init; }
    /// <summary>Null: the handshake must succeed, and the steps follow.</summary>
    public HandshakeExpectation? Handshake { get; init; }
    /// <summary>
    /// Null: the suite's valid 101 when it plays the server. A case with its own answer tests what a client accepts and
    /// is played against clients only.
    /// </summary>
    public OpeningAnswer? Answer { get; init; }
    /// <summary>Null: the suite's valid extended CONNECT over HTTP/2. A case with its own is played over HTTP/2 only.</summary>
    public Http2Request? Http2Request { get; init; }
    /// <summary>The case is played against servers (every case but those that answer a client's request their own way).</summary>
    public bool AgainstServers => Answer is null;
    /// <summary>
    /// The case can be played over HTTP/2: it does not write its own HTTP/1.1 opening request nor judge the answer
    /// to one, which RFC 8441 replaces with extended CONNECT.
    /// </summary>
    public bool AppliesOverHttp2 => Http2Request is not null || Request is null && Handshake is null && Answer is null;
    /// <summary>
    /// The case tests RFC 8441 itself (its own extended CONNECT): it has no meaning over HTTP/1.1, so HTTP/1.1 runs and
    /// the clients command leave it out.
    /// </summary>
    public bool OnlyOverHttp2 => Http2Request is not null;

    /// <summary>The case acts on HTTP/2 streams itself (ends or resets the WebSocket's, opens others); what the server does with them is judged too.</summary>
    public bool ActsOnHttp2Streams => Steps.Any(s => s is EndStreamStep or ResetStreamStep or OtherWebSocketStep);

    /// <summary>The request is expected to be refused, or the RFC leaves it open: no frames follow it.</summary>
    public bool EndsAfterHandshake => Handshake is { } h && h.Upgrade != true;
    /// <summary>
    /// The permessage-deflate offers the request carries (RFC 7692 5), in order of preference; non-null means the case
    /// needs the extension: when the server accepts none, the suite closes at once and the case is UNIMPLEMENTED.
    /// </summary>
    public IReadOnlyList<string>? DeflateOffers { get; init; }
    public required string SourceFile { get; init; }
    /// <summary>
    /// Why the outcome may depend on a race inside the server, when it may (a valid message followed at once by an
    /// invalid frame: whether the echo leaves before the failure is the server's scheduling). Then every behaviour
    /// verdict of the case's expected lists is as good as another for a conforming server.
    /// </summary>
    public string? Race { get; init; }

    /// <summary>The behaviour verdicts a race moves between, when the case has one.</summary>
    public IReadOnlyList<Verdict> RaceVerdicts => Race is null ? [] : Outcomes.Select(o => o.Verdict).Distinct().ToList();

    /// <summary>The octets the case's round-trip series send (and expect back); categories 9, 12 and 13 move up to 131 MB.</summary>
    public long RoundTripOctets => Steps.OfType<RoundTripsStep>().Sum(r => (long)r.Count * r.Messages.Length);

    /// <summary>The case needs permessage-deflate, or its own request offers it (so the suite may have to compress).</summary>
    public bool MayUseDeflate =>
        DeflateOffers is not null || Request is { } r && (r.Headers.Concat(r.Add).Any(h => h.Value.Contains("deflate", StringComparison.OrdinalIgnoreCase))
                                                          || r.Raw?.Contains("deflate", StringComparison.OrdinalIgnoreCase) == true);

    /// <summary>The payload octets the steps send (frames, messages, raw octets and round-trip series).</summary>
    public long OctetsSent => Steps.Sum(s => s switch
    {
        SendFramesStep f => f.Frames.Sum(frame => (long)frame.Payload.Length),
        SendMessageStep m => m.Payload.Length,
        SendRawStep r => r.Bytes.Length,
        RoundTripsStep r => (long)r.Count * r.Messages.Length,
        _ => 0L,
    });

    /// <summary>Moves a mebibyte or more: such cases keep a server busy and never run beside the cases with short timers.</summary>
    public bool IsBulk => OctetsSent >= 1024 * 1024;

    /// <summary>The shortest timer the case depends on: its end timer, a marked wait, the closing handshake's; the opening handshake's for a case that ends after it.</summary>
    public TimeSpan ShortestTimer(Sessions.SessionOptions options)
    {
        if (EndsAfterHandshake) return options.OpenHandshakeTimeout;
        var shortest = Math.Min(options.CloseHandshakeTimeout.TotalMilliseconds, End.AfterMilliseconds > 0 ? End.AfterMilliseconds : double.MaxValue);
        foreach (var wait in Steps.OfType<WaitStep>().Where(w => w.Mark is not null && w.Milliseconds > 0)) shortest = Math.Min(shortest, wait.Milliseconds);
        return TimeSpan.FromMilliseconds(shortest);
    }

    /// <summary>Moves more than 32 MiB each way: such cases run a few at a time, and a test run may leave them out.</summary>
    public bool IsHeavy => RoundTripOctets > 32L * 1024 * 1024;

    /// <summary>The suite may close as soon as the events match, without waiting for a timer.</summary>
    public bool FinishesOnMatch => Outcomes.Count == 1 && Close.Initiator == CloseInitiator.Suite;
}

public enum CloseInitiator { Suite, Server }

public sealed record ExpectedClose(
    CloseInitiator Initiator,
    IReadOnlyList<int> Codes,
    bool RequireClean,
    bool WrongInitiatorFailsBehavior = false,
    bool WrongCodeFailsBehavior = false)
{
    public static ExpectedClose NormalBySuite { get; } = new(CloseInitiator.Suite, [1000], true);

    public string Describe() =>
        (Initiator == CloseInitiator.Suite ? "the suite closes" : "the server fails the connection")
        + $", the server's close code {string.Join(" or ", Codes)} (or none)"
        + (RequireClean ? ", a clean closing handshake" : ", clean or not");
}

public enum EndAction { Close, Fail }

/// <summary>What the suite does when the server has not ended the case after the last step.</summary>
public sealed record EndTimer(int AfterMilliseconds, EndAction Action)
{
    public static EndTimer Default { get; } = new(1000, EndAction.Fail);
}

public sealed record ExpectedOutcome(Verdict Verdict, IReadOnlyList<ConversationEvent> Events);
