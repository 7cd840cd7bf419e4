namespace Conformance.Engine.Cases;

/// <summary>A case file that cannot be used; the message names the file and the field.</summary>
public sealed class CaseFileException(string file, string field, string problem)
    : Exception($"{file}: {(field.Length == 0 ? "" : field + ": ")}{problem}")
{
    public string File { get; } = file;
    public string Field { get; } = field;
}
