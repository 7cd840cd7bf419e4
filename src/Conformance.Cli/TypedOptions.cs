using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Conformance.Cli;

/// <summary>Options whose values the parser checks, so that a bad value is a usage error before anything runs.</summary>
internal static class TypedOptions
{
    /// <param name="refusal">the error for a value out of range or not a number, given the text as typed</param>
    public static Option<int> WholeNumber(string name, string description, int min, int max, int defaultValue, Func<string, string> refusal, params string[] aliases) =>
        new(name, aliases)
        {
            Description = description,
            HelpName = "N",
            DefaultValueFactory = _ => defaultValue,
            CustomParser = result =>
                Parsed(result, text => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max ? n : (int?)null, refusal) ?? 0,
        };

    public static Option<long?> Count(string name, string description, Func<string, string> refusal) =>
        new(name)
        {
            Description = description,
            HelpName = "N",
            CustomParser = result => Parsed(result, text => long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 1 ? n : (long?)null, refusal),
        };

    /// <summary>A number of seconds, more than 0 and at most a day.</summary>
    public static Option<double?> Seconds(string name, string description, double? defaultValue = null)
    {
        var option = new Option<double?>(name)
        {
            Description = description,
            HelpName = "seconds",
            CustomParser = result => Parsed(result,
                text => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s > 0 && s <= 86_400 ? s : (double?)null,
                text => $"\"{text}\" is not a number of seconds (more than 0, at most 86400)"),
        };
        if (defaultValue is not null) option.DefaultValueFactory = _ => defaultValue;
        return option;
    }

    /// <summary>The longest duration taken: a week, well within what timers and TimeSpan hold.</summary>
    public static readonly TimeSpan LongestDuration = TimeSpan.FromDays(7);

    /// <summary>90s, 10m, 2h, or a number of seconds.</summary>
    public static Option<TimeSpan?> Duration(string name, string description) =>
        new(name)
        {
            Description = description,
            HelpName = "90s|10m|2h",
            CustomParser = result => Parsed(result, ParseDuration, text => $"\"{text}\" is not a duration such as 90s, 10m or 2h (at most 7 days)"),
        };

    /// <summary>The duration, or null when the text is not one, is not more than 0 or is longer than <see cref="LongestDuration"/>.</summary>
    public static TimeSpan? ParseDuration(string text)
    {
        text = text.Trim();
        if (text.Length == 0) return null;
        var unit = char.IsLetter(text[^1]) ? text[^1] : 's';
        var number = char.IsLetter(text[^1]) ? text[..^1] : text;
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || !double.IsFinite(n) || n <= 0) return null;
        double? seconds = unit switch
        {
            's' => n,
            'm' => n * 60,
            'h' => n * 3600,
            _ => null,
        };
        // Compared as seconds before a TimeSpan is made of them, which throws past its range.
        if (seconds is not { } s || s > LongestDuration.TotalSeconds) return null;
        var duration = TimeSpan.FromSeconds(s);
        return duration > TimeSpan.Zero ? duration : null;
    }

    /// <summary>Whether the option was given on the command line, rather than taking its default.</summary>
    public static bool IsGiven(this ParseResult parse, Option option) => parse.GetResult(option) is { Implicit: false };

    /// <inheritdoc cref="IsGiven(ParseResult, Option)"/>
    public static bool IsGiven(this CommandResult command, Option option) => command.GetResult(option) is { Implicit: false };

    private static T Parsed<T>(ArgumentResult result, Func<string, T> parse, Func<string, string> refusal)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        var value = parse(text);
        if (value is null) result.AddError(refusal(text));
        return value!;
    }
}
