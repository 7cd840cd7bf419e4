using Conformance.Engine.Wire;

namespace Conformance.Engine.Configuration;

/// <summary>Everything a run is told, after conformance.json, the environment and the command line were merged.</summary>
public sealed record Settings
{
    /// <summary>Empty: the embedded echo server is the target.</summary>
    public IReadOnlyList<Uri> Targets { get; init; } = [];
    public bool Insecure { get; init; }
    /// <summary>The embedded server serves over TLS (wss://; h2 by ALPN over HTTP/2) with a certificate made for the run, which the suite trusts.</summary>
    public bool Tls { get; init; }
    /// <summary>Each case's WebSocket over HTTP/2 (RFC 8441): h2c with prior knowledge for ws://, TLS with ALPN h2 for wss://.</summary>
    public bool Http2 { get; init; }
    /// <summary>Over HTTP/2: how many cases' WebSockets one connection carries at once; 1: a connection per case.</summary>
    public int Http2Streams { get; init; } = Running.RunOptions.DefaultHttp2StreamsPerConnection;
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];
    public IReadOnlyList<string> Subprotocols { get; init; } = [];
    public string? Origin { get; init; }
    public IReadOnlyList<string> Cases { get; init; } = [];
    public IReadOnlyList<string> Exclude { get; init; } = [];
    public TimeSpan CaseTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan? RunTimeout { get; init; }
    public int Parallelism { get; init; } = 16;
    public string Out { get; init; } = "reports";
    public string Suites { get; init; } = Engine.Cases.Catalogue.BesideProgram;
    public string? Agent { get; init; }
    /// <summary>Behaviour verdicts that make the exit code 1.</summary>
    public IReadOnlyList<Verdict> FailOnBehavior { get; init; } = [];
    /// <summary>Close verdicts that make the exit code 1.</summary>
    public IReadOnlyList<CloseVerdict> FailOnClose { get; init; } = [];
    /// <summary>An expectations file: the run then fails only on regressions against it.</summary>
    public string? Expect { get; init; }
    /// <summary>Use an expectations file whose entries still carry baseline's placeholder reason (else the run stops).</summary>
    public bool AcceptUnreviewed { get; init; }
    /// <summary>
    /// How many octets of each direction a case's transcript keeps in the results, from the start (with the heads of
    /// the last reads and writes); verdicts are scored on every octet.
    /// </summary>
    public int StoredOctets { get; init; } = DefaultStoredOctets;

    /// <summary>Keeps the opening handshake and the first frames whole, and a full run's results and report within about 50 MB.</summary>
    public const int DefaultStoredOctets = TranscriptEntry.StoredOctetsPerDirection;

    /// <summary>Enough for an opening handshake with its usual header fields.</summary>
    public const int FewestStoredOctets = 1024;

    public Sessions.SessionOptions SessionFor(Uri target) => new()
    {
        Target = target,
        AcceptUntrustedCertificate = Insecure,
        Http2 = Http2,
        Headers = Headers,
        Subprotocols = Subprotocols,
        Origin = Origin,
        StoredOctetsPerDirection = StoredOctets,
    };
}

/// <summary>A setting with a value that cannot be used; the message names the key and where it came from.</summary>
public sealed class SettingsException(string message) : Exception(message);
