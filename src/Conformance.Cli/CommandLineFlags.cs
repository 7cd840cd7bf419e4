using System.CommandLine;
using System.Globalization;
using Conformance.Engine.Configuration;

namespace Conformance.Cli;

/// <summary>
/// The flags of a run, and their translation into settings keys (those of conformance.json). Only the flags given
/// become settings, so that conformance.json and CONFORMANCE_* variables keep their values otherwise; the defaults
/// shown by --help are those of a run without either.
/// </summary>
internal sealed class CommandLineFlags
{
    private readonly Option<string[]> _target = new("--target", "-t")
    {
        Description = "ws:// or wss:// URL of the server to test (default: the embedded Kestrel echo server)", HelpName = "url",
    };
    private readonly Option<bool> _insecure = new("--insecure", "-k") { Description = "Accept an untrusted TLS certificate (wss:// targets)" };
    private readonly Option<bool> _tls = new("--tls")
    {
        Description = "Without --target: the embedded server serves wss:// (and HTTP/2 over TLS with --http2) with a certificate made for the run",
    };
    private readonly Option<bool> _http2 = new("--http2")
    {
        Description = "Open each case's WebSocket over HTTP/2 with extended CONNECT (RFC 8441): h2c with prior knowledge for ws://, " +
                      "TLS with ALPN h2 for wss://; the HTTP/1.1 handshake cases (0.*) are left out, and the extended CONNECT cases (E.*), " +
                      "played over HTTP/2 only, are added",
    };
    private readonly Option<int> _http2Streams = TypedOptions.WholeNumber("--http2-streams",
        "With --http2: how many cases' WebSockets share one HTTP/2 connection at once, each a stream of it; 1 opens a connection per case " +
        "(cases that move megabytes, and the E.* cases, always get a connection of their own)", 1, 1024, Engine.Running.RunOptions.DefaultHttp2StreamsPerConnection,
        text => $"\"{text}\" is not a whole number from 1 to 1024");
    private readonly Option<string[]> _cases = new("--cases", "-c") { Description = "Cases to run: ids or patterns, comma-separated (1.*,2.1,5.19)", HelpName = "ids" };
    private readonly Option<string[]> _exclude = new("--exclude", "-x") { Description = "Cases to leave out, same form as --cases", HelpName = "ids" };
    private readonly Option<string[]> _header = new("--header", "-H")
    {
        Description = "Extra request header (repeatable), e.g. an auth token", HelpName = "\"Name: value\"",
    };
    private readonly Option<string[]> _subprotocol = new("--subprotocol") { Description = "Subprotocol to offer (repeatable)", HelpName = "name" };
    private readonly Option<string?> _origin = new("--origin") { Description = "Origin header to send", HelpName = "origin" };
    private readonly Option<double?> _timeout = TypedOptions.Seconds("--timeout", "Seconds a case may take at least before it is cut off", defaultValue: 30);
    private readonly Option<double?> _runTimeout = TypedOptions.Seconds("--run-timeout", "Seconds the whole run may take; cases not run by then are left out (default: none)");
    private readonly Option<int> _parallel = TypedOptions.WholeNumber("--parallel", "Cases run at once, each on its own connection", 1, 1024, 16,
        text => $"\"{text}\" is not a whole number from 1 to 1024", "-j");
    private readonly Option<int> _storedOctets = TypedOptions.WholeNumber("--stored-octets",
        "Octets of each direction a case's wire transcript keeps in the results and report, from the start, with the heads of the last " +
        "reads and writes (verdicts are scored on every octet)", Settings.FewestStoredOctets, int.MaxValue, Settings.DefaultStoredOctets,
        text => $"\"{text}\" is not a whole number of octets from {Settings.FewestStoredOctets} to {int.MaxValue}");
    private readonly Option<string> _out = new("--out", "-o") { Description = "Folder for results", HelpName = "folder", DefaultValueFactory = _ => "reports" };
    private readonly Option<string[]> _failOn = new("--fail-on")
    {
        Description = "Verdicts that make the exit code 1, comma-separated (e.g. FAILED,WRONG CODE,UNCLEAN)", HelpName = "verdicts",
    };
    private readonly Option<string?> _agent = new("--agent") { Description = "Name of the target in results (default: host_port)", HelpName = "name" };
    private readonly Option<string?> _suites = new("--suites")
    {
        Description = "Folder of case scripts (default: the catalogue installed with conformance)", HelpName = "folder",
    };
    private readonly Option<string?> _expect = new("--expect")
    {
        Description = "Expectations file: exit 1 only on regressions against it, list unexpected passes", HelpName = "file",
    };
    private readonly Option<string?> _config = new("--config")
    {
        Description = "Settings file (default conformance.json in the current folder, if present)", HelpName = "file",
    };

    public CommandLineFlags()
    {
        _header.Validators.Add(result =>
        {
            foreach (var header in result.GetValueOrDefault<string[]>() ?? [])
                if (header.IndexOf(':') <= 0) result.AddError($"\"{header}\" is not \"Name: value\"");
                else if (header.AsSpan().ContainsAny('\r', '\n')) result.AddError("a header must be one line of text (no CR or LF)");
        });
        // The values go into the opening request's header lines, where a line break would start a header of its own.
        _origin.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } origin && origin.AsSpan().ContainsAny('\r', '\n'))
                result.AddError("the Origin must be one line of text (no CR or LF)");
        });
        _subprotocol.Validators.Add(result =>
        {
            if ((result.GetValueOrDefault<string[]>() ?? []).Any(p => p.AsSpan().ContainsAny('\r', '\n')))
                result.AddError("a subprotocol must be one line of text (no CR or LF)");
        });
    }

    public Option<string[]> Target => _target;

    private IEnumerable<Option> All =>
        [_target, _insecure, _tls, _http2, _http2Streams, _cases, _exclude, _header, _subprotocol, _origin, _timeout, _runTimeout, _parallel, _storedOctets, _out, _failOn, _agent, _suites, _expect, _config];

    /// <param name="withOut">false for a command whose --out means something else</param>
    public void AddTo(Command command, bool withOut = true)
    {
        foreach (var option in All.Where(o => withOut || o != _out)) command.Options.Add(option);
    }

    /// <summary>The flags of a command that serves the cases to clients: those that choose cases, limits, output and exit code, not those that describe a target.</summary>
    public void AddClientFlagsTo(Command command)
    {
        foreach (var option in new Option[] { _cases, _exclude, _timeout, _storedOctets, _out, _failOn, _suites, _expect, _config }) command.Options.Add(option);
    }

    public string? ConfigFile(ParseResult parse) => parse.GetValue(_config);

    public Dictionary<string, string?> ToConfiguration(ParseResult parse)
    {
        var config = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        void Set<T>(string key, Option<T> option, Func<T, string?> text)
        {
            if (parse.IsGiven(option) && parse.GetValue(option) is { } value) config[key] = text(value);
        }
        void SetList(string key, Option<string[]> option)
        {
            if (parse.GetValue(option) is { Length: > 0 } values) config[key] = string.Join(",", values);
        }
        static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);

        SetList("target", _target);
        if (parse.GetValue(_insecure)) config["insecure"] = "true";
        if (parse.GetValue(_tls)) config["tls"] = "true";
        if (parse.GetValue(_http2)) config["http2"] = "true";
        Set("http2Streams", _http2Streams, v => v.ToString(CultureInfo.InvariantCulture));
        SetList("cases", _cases);
        SetList("exclude", _exclude);
        foreach (var header in parse.GetValue(_header) ?? [])
        {
            var colon = header.IndexOf(':');
            config["headers:" + header[..colon].Trim()] = header[(colon + 1)..].Trim();
        }
        SetList("subprotocols", _subprotocol);
        Set("origin", _origin, v => v);
        Set("caseTimeout", _timeout, v => Number(v!.Value));
        Set("runTimeout", _runTimeout, v => Number(v!.Value));
        Set("parallelism", _parallel, v => v.ToString(CultureInfo.InvariantCulture));
        Set("storedOctets", _storedOctets, v => v.ToString(CultureInfo.InvariantCulture));
        Set("out", _out, v => v);
        SetList("failOn", _failOn);
        Set("agent", _agent, v => v);
        Set("suites", _suites, v => v);
        Set("expect", _expect, v => v);
        return config;
    }
}
