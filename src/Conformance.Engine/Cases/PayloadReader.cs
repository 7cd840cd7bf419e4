using System.Text;
using Conformance.Protocol;

namespace Conformance.Engine.Cases;

/// <summary>Reads the PAYLOAD forms of suites/case-format.md into bytes.</summary>
internal static class PayloadReader
{
    private const long MaxPayload = 64L * 1024 * 1024;

    public static byte[] Read(JsonField field)
    {
        if (!field.Exists) return [];
        if (field.Node is System.Text.Json.Nodes.JsonValue) return Encoding.UTF8.GetBytes(field.String());
        var obj = field.AsObject();
        if (obj.ContainsKey("hex")) return Hex(field.Only("hex")["hex"]);
        if (obj.ContainsKey("repeat")) return Repeat(Encoding.UTF8.GetBytes(field.Only("repeat", "length")["repeat"].String()), field);
        if (obj.ContainsKey("repeatHex")) return Repeat(Hex(field.Only("repeatHex", "length")["repeatHex"]), field);
        throw field.Error("expected a string or an object with \"hex\", \"repeat\" or \"repeatHex\"");
    }

    public static byte[] Hex(JsonField field)
    {
        var text = field.String().Replace(" ", "");
        try { return Convert.FromHexString(text); }
        catch (FormatException) { throw field.Error($"\"{text}\" is not an even number of hex digits"); }
    }

    public static byte[] ClosePayload(JsonField field)
    {
        var code = field.Only("code", "reason")["code"];
        var reason = Read(field["reason"]);
        if (!code.Exists)
        {
            if (reason.Length > 0) throw field.Error("a close reason needs a code");
            return [];
        }
        return Protocol.ClosePayload.Build((ushort)code.Integer(0, 65535), reason);
    }

    /// <summary>
    /// Repeated payloads of the same pattern and length are one shared array (payloads are never written to), so
    /// the megabytes of the limits cases, named in a step and again in an expected event, are made once.
    /// </summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string Unit, int Length), byte[]> Repeated = new();

    private static byte[] Repeat(byte[] unit, JsonField field)
    {
        if (unit.Length == 0) throw field.Error("the repeated pattern is empty");
        var length = (int)field["length"].Integer(0, MaxPayload);
        return Repeated.GetOrAdd((Convert.ToHexString(unit), length), _ =>
        {
            var bytes = new byte[length];
            var filled = Math.Min(unit.Length, length);
            unit.AsSpan(0, filled).CopyTo(bytes);
            while (filled < length)
            {
                var n = Math.Min(filled, length - filled);
                bytes.AsSpan(0, n).CopyTo(bytes.AsSpan(filled));
                filled += n;
            }
            return bytes;
        });
    }

    public static byte Opcode(JsonField field)
    {
        if (field.Node is System.Text.Json.Nodes.JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Number)
            return (byte)field.Integer(0, 15);
        return field.String() switch
        {
            "continuation" => Opcodes.Continuation,
            "text" => Opcodes.Text,
            "binary" => Opcodes.Binary,
            "close" => Opcodes.Close,
            "ping" => Opcodes.Ping,
            "pong" => Opcodes.Pong,
            var other => throw field.Error($"unknown opcode \"{other}\" (text, binary, continuation, close, ping, pong or 0-15)"),
        };
    }
}
