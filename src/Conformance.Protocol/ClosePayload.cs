using System.Buffers.Binary;
using System.Text;

namespace Conformance.Protocol;

/// <summary>The body of a close frame: an optional status code and a UTF-8 reason (RFC 6455 5.5.1).</summary>
/// <param name="Code">Null when the payload was empty or too short to hold a code.</param>
/// <param name="Reason">The raw reason bytes, which may be invalid UTF-8.</param>
public sealed record ClosePayload(ushort? Code, byte[] Reason)
{
    public const int MaxLength = 125;

    /// <summary>The reason decoded for display, with invalid bytes replaced.</summary>
    public string ReasonText => Encoding.UTF8.GetString(Reason);

    /// <summary>
    /// Reads a close payload. <paramref name="violation"/> is null when the payload is valid, else it says
    /// every rule that is broken; what could be read is returned either way.
    /// </summary>
    public static ClosePayload Parse(ReadOnlySpan<byte> payload, out string? violation)
    {
        var problems = new List<string>();
        if (payload.Length > MaxLength)
        {
            problems.Add($"the close payload is {payload.Length} bytes, more than the {MaxLength} allowed for a control frame");
        }

        if (payload.Length == 0)
        {
            violation = Join(problems);
            return new ClosePayload(null, []);
        }

        if (payload.Length == 1)
        {
            problems.Add("the close payload is 1 byte, too short for a status code");
            violation = Join(problems);
            return new ClosePayload(null, []);
        }

        ushort code = BinaryPrimitives.ReadUInt16BigEndian(payload);
        if (!CloseCodes.IsValidOnWire(code))
        {
            problems.Add($"close code {CloseCodes.Describe(code)} may not be sent in a close frame");
        }

        ReadOnlySpan<byte> reason = payload[2..];
        var validator = new Utf8Validator();
        if (validator.Feed(reason) != Utf8Status.Valid)
        {
            problems.Add(validator.Status == Utf8Status.Invalid
                ? $"the close reason is not valid UTF-8 (invalid byte at reason offset {validator.InvalidAtOffset})"
                : "the close reason is not valid UTF-8 (it ends inside a character)");
        }

        violation = Join(problems);
        return new ClosePayload(code, reason.ToArray());
    }

    /// <summary>A payload with this code and reason. Nothing is checked, so invalid payloads can be built too.</summary>
    public static byte[] Build(ushort code, ReadOnlySpan<byte> reason)
    {
        var payload = new byte[2 + reason.Length];
        BinaryPrimitives.WriteUInt16BigEndian(payload, code);
        reason.CopyTo(payload.AsSpan(2));
        return payload;
    }

    private static string? Join(List<string> problems) => problems.Count == 0 ? null : string.Join("; ", problems);
}
