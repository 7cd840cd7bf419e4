using System.CommandLine;
using System.Globalization;

namespace Conformance.Cli;

/// <summary>The command-line flags, and their translation into settings keys (those of conformance.json).</summary>
internal sealed class CommandLineFlags
{
    private readonly Option<string[]> _target = new("--target", "-t") { Description = "ws:// or wss:// URL of the server to test (default: the embedded Kestrel echo server)" };
    private readonly Option<bool> _insecure = new("--insecure", "-k") { Description = "Accept an untrusted TLS certificate (wss:// targets)" };
    private readonly Option<string[]> _cases = new("--cases", "-c") { Description = "Cases to run: ids or patterns, comma-separated (1.*,2.1,5.19)" };
    private readonly Option<string[]> _exclude = new("--exclude", "-x") { Description = "Cases to leave out, same form as --cases" };
    private readonly Option<string[]> _header = new("--header", "-H") { Description = "Extra request header \"Name: value\" (repeatable), e.g. an auth token" };
    private readonly Option<string[]> _subprotocol = new("--subprotocol") { Description = "Subprotocol to offer (repeatable)" };
    private readonly Option<string?> _origin = new("--origin") { Description = "Origin header to send" };
    private readonly Option<string?> _timeout = new("--timeout") { Description = "Seconds a case may take at least before it is cut off (default 30)" };
    private readonly Option<string?> _runTimeout = new("--run-timeout") { Description = "Seconds the whole run may take; cases not run by then are left out (default: none)" };
    private readonly Option<string?> _parallel = new("--parallel", "-j") { Description = "Cases run at once, each on its own connection (default 16)" };
    private readonly Option<string?> _out = new("--out", "-o") { Description = "Folder for results (default reports/)" };
    private readonly Option<string[]> _failOn = new("--fail-on") { Description = "Verdicts that make the exit code 1, comma-separated (e.g. FAILED,WRONG CODE,UNCLEAN)" };
    private readonly Option<string?> _agent = new("--agent") { Description = "Name of the target in results (default: host_port)" };
    private readonly Option<string?> _suites = new("--suites") { Description = "Folder of case scripts (default suites/)" };
    private readonly Option<string?> _expect = new("--expect") { Description = "Expectations file: exit 1 only on regressions against it, list unexpected passes" };
    private readonly Option<string?> _config = new("--config") { Description = "Settings file (default conformance.json in the current folder, if present)" };

    private IEnumerable<Option> All =>
        [_target, _insecure, _cases, _exclude, _header, _subprotocol, _origin, _timeout, _runTimeout, _parallel, _out, _failOn, _agent, _suites, _expect, _config];

    public void AddTo(Command command)
    {
        foreach (var option in All) command.Options.Add(option);
    }

    public bool WantsRun(ParseResult parse) => !parse.Tokens.Any(t => t.Value is "--help" or "-h" or "-?" or "--version");

    public string? ConfigFile(ParseResult parse) => parse.GetValue(_config);

    public Dictionary<string, string?> ToConfiguration(ParseResult parse)
    {
        var config = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        void Set(string key, string? value) { if (value is not null) config[key] = value; }
        void SetList(string key, string[]? values) { if (values is { Length: > 0 }) config[key] = string.Join(",", values); }

        SetList("target", parse.GetValue(_target));
        if (parse.GetValue(_insecure)) config["insecure"] = "true";
        SetList("cases", parse.GetValue(_cases));
        SetList("exclude", parse.GetValue(_exclude));
        foreach (var header in parse.GetValue(_header) ?? [])
        {
            var colon = header.IndexOf(':');
            if (colon <= 0) throw new Engine.Configuration.SettingsException($"--header: \"{header}\" is not \"Name: value\"");
            config["headers:" + header[..colon].Trim()] = header[(colon + 1)..].Trim();
        }
        SetList("subprotocols", parse.GetValue(_subprotocol));
        Set("origin", parse.GetValue(_origin));
        Set("caseTimeout", parse.GetValue(_timeout));
        Set("runTimeout", parse.GetValue(_runTimeout));
        Set("parallelism", parse.GetValue(_parallel));
        Set("out", parse.GetValue(_out));
        SetList("failOn", parse.GetValue(_failOn));
        Set("agent", parse.GetValue(_agent));
        Set("suites", parse.GetValue(_suites));
        Set("expect", parse.GetValue(_expect));
        return config;
    }
}
