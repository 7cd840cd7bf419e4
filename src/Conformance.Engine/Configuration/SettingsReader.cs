using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Configuration.Memory;

namespace Conformance.Engine.Configuration;

/// <summary>
/// Builds settings from conformance.json, then CONFORMANCE_* environment variables, then command-line values
/// (each overriding the one before), and checks every value.
/// </summary>
public static class SettingsReader
{
    public const string EnvironmentPrefix = "CONFORMANCE_";

    public static readonly string[] Keys =
    [
        "target", "insecure", "tls", "http2", "http2Streams", "headers", "subprotocols", "origin", "cases", "exclude", "caseTimeout",
        "runTimeout", "parallelism", "out", "suites", "agent", "failOn", "expect", "acceptUnreviewed",
        "storedOctets",
    ];

    /// <summary>
    /// Variables with the settings' prefix that are not settings: where the install scripts put the servers the
    /// suite is checked against and the fuzzing tools (README). Settings pass them over.
    /// </summary>
    public static readonly string[] ToolVariables = ["CONFORMANCE_TOOLS_DIR", "CONFORMANCE_TARGETS_DIR"];

    /// <param name="jsonFile">conformance.json; may be absent unless required</param>
    /// <param name="commandLine">flat keys as in the JSON file ("headers:Authorization", "target:0")</param>
    public static Settings Read(string jsonFile, bool jsonRequired, IDictionary<string, string?> commandLine,
        IDictionary<string, string?>? environment = null)
    {
        var builder = new ConfigurationBuilder();
        if (File.Exists(jsonFile) || jsonRequired)
        {
            if (!File.Exists(jsonFile)) throw new SettingsException($"config: {jsonFile} does not exist");
            builder.AddJsonFile(Path.GetFullPath(jsonFile), optional: false, reloadOnChange: false);
        }
        environment ??= Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value);
        builder.AddInMemoryCollection(environment
            .Where(p => p.Key.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase)
                        && !ToolVariables.Contains(p.Key, StringComparer.OrdinalIgnoreCase))
            .Select(p => KeyValuePair.Create(p.Key[EnvironmentPrefix.Length..].Replace("__", ":"), p.Value)));
        builder.AddInMemoryCollection(commandLine);
        IConfigurationRoot config;
        try
        {
            config = builder.Build();
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or System.Text.Json.JsonException)
        {
            throw new SettingsException($"{jsonFile}: not valid JSON: {e.InnerException?.Message ?? e.Message}");
        }
        return Read(config);
    }

    private static Settings Read(IConfigurationRoot config)
    {
        var from = new Sources(config);
        foreach (var section in config.GetChildren())
        {
            if (!Keys.Contains(section.Key, StringComparer.OrdinalIgnoreCase))
                throw new SettingsException($"{section.Key}{from[section.Key]}: unknown setting (known: {string.Join(", ", Keys)})");
        }
        var settings = new Settings();
        var failOn = List(config, "failOn");
        foreach (var word in failOn) CheckVerdictWord(word, from["failOn"]);
        var targets = List(config, "target").Select(t => TargetUri(t, from["target"])).ToList();
        var tls = Bool(config, "tls", from) ?? settings.Tls;
        if (tls && targets.Count > 0)
            throw new SettingsException($"tls{from["tls"]}: the embedded server's setting; a target says wss:// in its URL instead");
        return settings with
        {
            Targets = targets,
            Tls = tls,
            Insecure = Bool(config, "insecure", from) ?? settings.Insecure,
            Http2 = Bool(config, "http2", from) ?? settings.Http2,
            Http2Streams = (int?)Number(config, "http2Streams", 1, 1024, from) ?? settings.Http2Streams,
            Headers = config.GetSection("headers").GetChildren()
                .Select(h => Header(h.Key, h.Value, from["headers:" + h.Key])).ToList(),
            Subprotocols = List(config, "subprotocols").Select(p => OneLine(p, "subprotocols", from)).ToList(),
            Origin = config["origin"] is { } origin ? OneLine(origin, "origin", from) : null,
            Cases = List(config, "cases"),
            Exclude = List(config, "exclude"),
            CaseTimeout = Seconds(config, "caseTimeout", from) ?? settings.CaseTimeout,
            RunTimeout = Seconds(config, "runTimeout", from),
            Parallelism = (int?)Number(config, "parallelism", 1, 1024, from) ?? settings.Parallelism,
            Out = NonEmpty(config, "out", from) ?? settings.Out,
            Suites = NonEmpty(config, "suites", from) ?? settings.Suites,
            Agent = NonEmpty(config, "agent", from),
            FailOnBehavior = Verdicts(failOn, VerdictWords.Behavior),
            FailOnClose = Verdicts(failOn, VerdictWords.Close),
            Expect = NonEmpty(config, "expect", from),
            AcceptUnreviewed = Bool(config, "acceptUnreviewed", from) ?? settings.AcceptUnreviewed,
            StoredOctets = (int?)Number(config, "storedOctets", Settings.FewestStoredOctets, int.MaxValue, from) ?? settings.StoredOctets,
        };
    }

    /// <summary>A list given as a JSON array, or as one comma-separated string.</summary>
    private static IReadOnlyList<string> List(IConfiguration config, string key)
    {
        var section = config.GetSection(key);
        var values = section.Value is { } single ? [single] : section.GetChildren().Select(c => c.Value ?? "");
        return values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
    }

    private static Uri TargetUri(string text, string from)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("ws" or "wss") || uri.Host.Length == 0)
            throw new SettingsException($"target{from}: \"{text}\" is not a ws:// or wss:// URL (for example ws://127.0.0.1:9001/)");
        if (uri.Fragment.Length > 0)
            throw new SettingsException($"target{from}: \"{text}\" has a fragment (#...), which a WebSocket URL must not have (RFC 6455 3)");
        return uri;
    }

    private static KeyValuePair<string, string> Header(string name, string? value, string from)
    {
        if (name.Length == 0 || name.Any(ch => ch <= ' ' || ch >= 127 || "()<>@,;:\\\"/[]?={}".Contains(ch)))
            throw new SettingsException($"headers{from}: \"{name}\" is not a valid HTTP header name");
        if (value is null || value.Any(ch => ch is '\r' or '\n'))
            throw new SettingsException($"headers:{name}{from}: the value must be one line of text");
        return KeyValuePair.Create(name, value);
    }

    /// <summary>A value sent in a header line of the opening request, where a line break would start a header of its own.</summary>
    private static string OneLine(string value, string key, Sources from) =>
        value.AsSpan().ContainsAny('\r', '\n') ? throw new SettingsException($"{key}{from[key]}: the value must be one line of text (no CR or LF)") : value;

    private static bool? Bool(IConfiguration config, string key, Sources from)
    {
        var text = config[key];
        if (text is null) return null;
        if (bool.TryParse(text, out var b)) return b;
        throw new SettingsException($"{key}{from[key]}: \"{text}\" is not true or false");
    }

    private static long? Number(IConfiguration config, string key, long min, long max, Sources from)
    {
        var text = config[key];
        if (text is null) return null;
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max) return n;
        throw new SettingsException($"{key}{from[key]}: \"{text}\" is not a whole number from {min} to {max}");
    }

    private static TimeSpan? Seconds(IConfiguration config, string key, Sources from)
    {
        var text = config[key];
        if (text is null) return null;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s > 0 && s <= 86_400)
            return TimeSpan.FromSeconds(s);
        throw new SettingsException($"{key}{from[key]}: \"{text}\" is not a number of seconds (more than 0, at most 86400)");
    }

    private static string? NonEmpty(IConfiguration config, string key, Sources from)
    {
        var text = config[key];
        if (text is null) return null;
        return text.Trim().Length > 0 ? text : throw new SettingsException($"{key}{from[key]}: must not be empty");
    }

    private static void CheckVerdictWord(string word, string from)
    {
        if (!VerdictWords.Behavior.TryParse(word, out _, ignoreCase: true) && !VerdictWords.Close.TryParse(word, out _, ignoreCase: true))
            throw new SettingsException($"failOn{from}: \"{word}\" is not a verdict ({string.Join(", ", VerdictWords.AllWords)})");
    }

    /// <summary>The verdicts of one kind the words name (a word both kinds have, such as FAILED, names one of each).</summary>
    private static IReadOnlyList<T> Verdicts<T>(IReadOnlyList<string> words, VerdictTable<T> table) where T : struct, Enum =>
        [.. words.Select(w => table.TryParse(w, out var verdict, ignoreCase: true) ? verdict : (T?)null).OfType<T>()];

    /// <summary>Says where a key's value came from, for error messages.</summary>
    private sealed class Sources(IConfigurationRoot config)
    {
        public string this[string key]
        {
            get
            {
                foreach (var provider in config.Providers.Reverse())
                {
                    if (!provider.TryGet(key, out _) && !provider.GetChildKeys([], key).Any()) continue;
                    return provider switch
                    {
                        JsonConfigurationProvider json => $" (in {json.Source.Path})",
                        MemoryConfigurationProvider when provider == config.Providers.Last() => " (command line)",
                        _ => $" (environment {EnvironmentPrefix}{key.Replace(":", "__").ToUpperInvariant()})",
                    };
                }
                return "";
            }
        }
    }
}
