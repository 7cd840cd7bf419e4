using System.Text.RegularExpressions;

namespace Conformance.Cli.Tests;

/// <summary>
/// A fenced block of a documentation page. Its info string is the language, then attributes that say how the
/// documentation test treats it: <c>exit=N</c> (the exit code every command promises, default 0), <c>skip="why"</c>
/// (not run, with the reason), <c>narrow="flags"</c> (appended to each command, where the whole run is too long for a
/// test), <c>output-of="command"</c> (a text block that is that command's output, compared when the test runs it).
/// </summary>
public sealed record FencedBlock(string Page, int Line, string Language, IReadOnlyDictionary<string, string> Attributes, IReadOnlyList<string> Lines)
{
    public override string ToString() => $"{Page}:{Line}";

    /// <summary>The commands of a shell block: its lines, those ending in a backslash joined to the next, without comment-only lines.</summary>
    public IReadOnlyList<string> Commands()
    {
        var commands = new List<string>();
        var current = "";
        foreach (var line in Lines)
        {
            if (line.TrimEnd().EndsWith('\\'))
            {
                current += line.TrimEnd()[..^1] + " ";
                continue;
            }
            current += line;
            if (current.Trim() is { Length: > 0 } command && !command.StartsWith('#')) commands.Add(command);
            current = "";
        }
        return commands;
    }
}

/// <summary>README and the pages it links to, read as a reader follows the links.</summary>
public static partial class Documentation
{
    public const string Front = "README.md";

    /// <summary>README and every Markdown page reachable from it by relative links, as paths from the repository's root.</summary>
    public static IReadOnlyList<string> Pages()
    {
        var found = new List<string> { Front };
        for (var i = 0; i < found.Count; i++)
            foreach (var target in Links(found[i]))
                if (target.EndsWith(".md") && File.Exists(Full(target)) && !found.Contains(target))
                    found.Add(target);
        return found;
    }

    /// <summary>Every Markdown file of the repository outside build output and the tools' folders.</summary>
    public static IEnumerable<string> AllMarkdownFiles() =>
        Directory.EnumerateFiles(RepositoryPaths.Root, "*.md", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(RepositoryPaths.Root, path).Replace('\\', '/'))
            .Where(path => !path.Split('/').Any(part => part is "bin" or "obj" or "node_modules" or "TestResults" || part.StartsWith('.')))
            .Where(path => !path.StartsWith("reports/") || path is "reports/README.md");

    /// <summary>The relative link targets of a page, as paths from the repository's root (anchors dropped).</summary>
    public static IEnumerable<string> Links(string page)
    {
        var folder = Path.GetDirectoryName(page) ?? "";
        foreach (Match link in MarkdownLink().Matches(File.ReadAllText(Full(page))))
        {
            var target = link.Groups["target"].Value.Split('#')[0];
            if (target.Length == 0 || target.Contains("://") || target.StartsWith("mailto:")) continue;
            yield return Path.GetRelativePath(RepositoryPaths.Root, Path.GetFullPath(Path.Combine(RepositoryPaths.Root, folder, target))).Replace('\\', '/');
        }
    }

    public static string Full(string page) => Path.Combine(RepositoryPaths.Root, page);

    public static IReadOnlyList<FencedBlock> Blocks(string page) => Blocks(page, File.ReadAllLines(Full(page)));

    public static IReadOnlyList<FencedBlock> Blocks(string page, string[] lines)
    {
        var blocks = new List<FencedBlock>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith("```") || lines[i].Trim() == "```") continue;
            var info = lines[i][3..].Trim();
            var language = info.Split(' ', 2)[0];
            var attributes = Attribute().Matches(info).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["quoted"].Success ? m.Groups["quoted"].Value : m.Groups["bare"].Value);
            var start = i + 1;
            var end = start;
            while (end < lines.Length && lines[end].Trim() != "```") end++;
            blocks.Add(new FencedBlock(page, i + 1, language, attributes, lines[start..end]));
            i = end;
        }
        return blocks;
    }

    /// <summary>The command-line flags a text names (`--cases`), as written.</summary>
    public static IEnumerable<string> Flags(string text) => Flag().Matches(text).Select(m => m.Value);

    [GeneratedRegex(@"\[[^\]]*\]\((?<target>[^)\s]+)\)")]
    private static partial Regex MarkdownLink();

    [GeneratedRegex(@"(?<name>[a-z][a-z-]*)=(?:""(?<quoted>[^""]*)""|(?<bare>\S+))")]
    private static partial Regex Attribute();

    [GeneratedRegex(@"(?<![\w-])--[a-z][a-z0-9-]*")]
    private static partial Regex Flag();
}
