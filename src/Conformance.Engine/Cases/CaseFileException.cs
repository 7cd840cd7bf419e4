namespace Conformance.Engine.Cases;

/// <summary>A case file that cannot be used; the message names the file and the field.</summary>
public sealed class CaseFileException(string file, string field, string problem)
    : Exception(OneLine($"{file}: {(field.Length == 0 ? "" : field + ": ")}{problem}"))
{
    /// <summary>A message is one line: a line break quoted from the file is shown as its escape.</summary>
    private static string OneLine(string message) => message.Replace("\r", "\\r").Replace("\n", "\\n");

    public string File { get; } = file;
    public string Field { get; } = field;
}
