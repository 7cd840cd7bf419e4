using System.CommandLine.Parsing;
using System.Text.RegularExpressions;

namespace Conformance.Cli;

/// <summary>A parse error as the one line printed for it, led by the option it is about.</summary>
internal static partial class UsageError
{
    public static string OneLine(ParseError error)
    {
        var message = Whitespace().Replace(error.Message, " ").Trim();
        return error.SymbolResult is OptionResult { Option.Name: var name } && !message.Contains(name) ? $"{name}: {message}" : message;
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
