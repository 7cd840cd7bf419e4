namespace Conformance.Engine.Expectations;

/// <summary>An expectations file that cannot be used; the message names the file and the field.</summary>
public sealed class ExpectationsFileException(string file, string field, string problem)
    : Exception($"{file}: {(field.Length == 0 ? "" : field + ": ")}{problem}")
{
    public string File { get; } = file;
    public string Field { get; } = field;
}
