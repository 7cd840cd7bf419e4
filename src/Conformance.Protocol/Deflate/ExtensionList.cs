using System.Text;

namespace Conformance.Protocol.Deflate;

public sealed record ExtensionParameter(string Name, string? Value)
{
    public override string ToString() => Value is null ? Name : $"{Name}={Value}";
}

/// <summary>One element of a Sec-WebSocket-Extensions list: an extension's name and its parameters, in order.</summary>
public sealed record ExtensionElement(string Name, IReadOnlyList<ExtensionParameter> Parameters)
{
    public override string ToString() => string.Join("; ", Parameters.Select(p => p.ToString()).Prepend(Name));
}

/// <summary>
/// Parses Sec-WebSocket-Extensions values (RFC 6455 9.1): extension = token *( ";" token [ "=" ( token | quoted-string ) ] ),
/// elements separated by commas, optional whitespace around each part. A quoted value is unescaped and must then be a token.
/// </summary>
public static class ExtensionList
{
    /// <summary>The elements of all the given header values, or null with error set when one is malformed.</summary>
    public static IReadOnlyList<ExtensionElement>? Parse(IEnumerable<string> headerValues, out string? error)
    {
        var elements = new List<ExtensionElement>();
        foreach (var value in headerValues)
        {
            var reader = new Reader(value);
            if (!reader.ReadList(elements, out error)) return null;
        }
        error = null;
        return elements;
    }

    public static IReadOnlyList<ExtensionElement>? Parse(string headerValue, out string? error) => Parse([headerValue], out error);

    private ref struct Reader(string text)
    {
        private int _at;

        public bool ReadList(List<ExtensionElement> into, out string? error)
        {
            while (true)
            {
                SkipWhitespace();
                if (_at == text.Length || text[_at] == ',')
                {
                    // RFC 9110 5.6.1: empty list elements are ignored.
                    if (_at == text.Length) { error = null; return true; }
                    _at++;
                    continue;
                }
                if (!ReadElement(out var element, out error)) return false;
                into.Add(element!);
                SkipWhitespace();
                if (_at == text.Length) return true;
                if (text[_at] != ',') { error = Unexpected("',' or the end of the list"); return false; }
                _at++;
            }
        }

        private bool ReadElement(out ExtensionElement? element, out string? error)
        {
            element = null;
            var name = ReadToken();
            if (name.Length == 0) { error = Unexpected("an extension name"); return false; }
            var parameters = new List<ExtensionParameter>();
            while (true)
            {
                SkipWhitespace();
                if (_at == text.Length || text[_at] != ';') break;
                _at++;
                SkipWhitespace();
                var parameter = ReadToken();
                if (parameter.Length == 0) { error = Unexpected($"a parameter name after ';' in {name}"); return false; }
                SkipWhitespace();
                string? value = null;
                if (_at < text.Length && text[_at] == '=')
                {
                    _at++;
                    SkipWhitespace();
                    if (!ReadValue(parameter, out value, out error)) return false;
                }
                parameters.Add(new ExtensionParameter(parameter, value));
            }
            element = new ExtensionElement(name, parameters);
            error = null;
            return true;
        }

        private bool ReadValue(string parameter, out string? value, out string? error)
        {
            value = null;
            if (_at < text.Length && text[_at] == '"')
            {
                var unquoted = new StringBuilder();
                _at++;
                while (true)
                {
                    if (_at == text.Length) { error = $"the quoted value of {parameter} is not closed"; return false; }
                    var c = text[_at++];
                    if (c == '"') break;
                    if (c == '\\')
                    {
                        if (_at == text.Length) { error = $"the quoted value of {parameter} is not closed"; return false; }
                        c = text[_at++];
                    }
                    unquoted.Append(c);
                }
                value = unquoted.ToString();
                if (value.Length == 0 || !value.All(HttpSyntax.IsTokenChar))
                {
                    error = $"the quoted value \"{value}\" of {parameter} is not a token once unquoted (RFC 6455 9.1)";
                    return false;
                }
                error = null;
                return true;
            }
            value = ReadToken();
            if (value.Length == 0) { error = Unexpected($"a value after {parameter}="); return false; }
            error = null;
            return true;
        }

        private string ReadToken()
        {
            var start = _at;
            while (_at < text.Length && HttpSyntax.IsTokenChar(text[_at])) _at++;
            return text[start.._at];
        }

        private void SkipWhitespace()
        {
            while (_at < text.Length && text[_at] is ' ' or '\t') _at++;
        }

        private readonly string Unexpected(string wanted) =>
            _at < text.Length ? $"expected {wanted} at '{text[_at]}' (position {_at + 1} of \"{text}\")" : $"expected {wanted} at the end of \"{text}\"";
    }
}
