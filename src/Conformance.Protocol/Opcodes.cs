namespace Conformance.Protocol;

/// <summary>WebSocket opcodes (RFC 6455 5.2). Any 4-bit value may be encoded, including reserved ones.</summary>
public static class Opcodes
{
    public const byte Continuation = 0, Text = 1, Binary = 2, Close = 8, Ping = 9, Pong = 10;

    public static bool IsControl(byte opcode) => (opcode & 0x8) != 0;

    public static bool IsReserved(byte opcode) => opcode is >= 3 and <= 7 or >= 11 and <= 15;

    public static string Name(byte opcode) => opcode switch
    {
        Continuation => "continuation",
        Text => "text",
        Binary => "binary",
        Close => "close",
        Ping => "ping",
        Pong => "pong",
        <= 15 => $"reserved-{opcode}",
        _ => $"invalid-{opcode}",
    };
}
