namespace Conformance.Protocol;

public enum Utf8Status
{
    /// <summary>Everything so far is valid and ends on a code point boundary.</summary>
    Valid,

    /// <summary>Valid so far, but the bytes end inside a sequence.</summary>
    Incomplete,

    Invalid,
}

/// <summary>
/// Incremental UTF-8 validation per RFC 3629, as a small state machine. It fails at the first byte that cannot
/// begin or continue a valid sequence, so the offset of a failure is the same however the input is split.
/// </summary>
public struct Utf8Validator
{
    // States. Each "need" state remembers how many continuation bytes are still due and, right after the
    // lead bytes E0, ED, F0 and F4, the narrower range the first of them must fall in.
    private const byte Accept = 0;
    private const byte Reject = 1;
    private const byte NeedOne = 2;
    private const byte NeedTwo = 3;
    private const byte NeedThree = 4;
    private const byte AfterE0 = 5;   // next must be A0-BF, else overlong
    private const byte AfterED = 6;   // next must be 80-9F, else a surrogate
    private const byte AfterF0 = 7;   // next must be 90-BF, else overlong
    private const byte AfterF4 = 8;   // next must be 80-8F, else above U+10FFFF
    private const int ClassCount = 12;

    private byte _state;
    private long _invalidAt;

    public readonly Utf8Status Status => _state switch
    {
        Accept => Utf8Status.Valid,
        Reject => Utf8Status.Invalid,
        _ => Utf8Status.Incomplete,
    };

    /// <summary>Total bytes fed, including any after a failure.</summary>
    public long BytesValidated { get; private set; }

    /// <summary>Offset from the first byte ever fed of the first invalid byte, or -1.</summary>
    public readonly long InvalidAtOffset => _state == Reject ? _invalidAt : -1;

    // Byte classes:
    //  0: 00-7F   1: 80-8F   2: 90-9F   3: A0-BF   4: C2-DF   5: E0
    //  6: E1-EC, EE-EF       7: ED      8: F0      9: F1-F3  10: F4
    // 11: C0, C1, F5-FF (never valid)
    private static ReadOnlySpan<byte> ByteClass =>
    [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
        3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
        11, 11, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
        5, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 7, 6, 6, 8, 9, 9, 9, 10, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11,
    ];

    // Next state, indexed by state * ClassCount + class.
    private static ReadOnlySpan<byte> Transitions =>
    [
        // class:  0  1  2  3  4  5  6  7  8  9 10 11
        /* Accept    */ 0, 1, 1, 1, 2, 5, 3, 6, 7, 4, 8, 1,
        /* Reject    */ 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
        /* NeedOne   */ 1, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,
        /* NeedTwo   */ 1, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1,
        /* NeedThree */ 1, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1,
        /* AfterE0   */ 1, 1, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1,
        /* AfterED   */ 1, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1,
        /* AfterF0   */ 1, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1,
        /* AfterF4   */ 1, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    ];

    /// <summary>Validates the next bytes of the stream. Once Invalid, stays Invalid.</summary>
    public Utf8Status Feed(ReadOnlySpan<byte> bytes)
    {
        long startOffset = BytesValidated;
        BytesValidated += bytes.Length;
        if (_state == Reject)
        {
            return Utf8Status.Invalid;
        }

        ReadOnlySpan<byte> byteClass = ByteClass;
        ReadOnlySpan<byte> transitions = Transitions;
        int state = _state;
        int i = 0;
        while (i < bytes.Length)
        {
            if (state == Accept && bytes[i] < 0x80)
            {
                int nonAscii = bytes[i..].IndexOfAnyInRange((byte)0x80, (byte)0xFF);
                if (nonAscii < 0)
                {
                    break;
                }

                i += nonAscii;
            }

            state = transitions[state * ClassCount + byteClass[bytes[i]]];
            if (state == Reject)
            {
                _invalidAt = startOffset + i;
                break;
            }

            i++;
        }

        _state = (byte)state;
        return Status;
    }

    /// <summary>True when the bytes are complete, valid UTF-8.</summary>
    public static bool IsValid(ReadOnlySpan<byte> whole)
    {
        var validator = new Utf8Validator();
        return validator.Feed(whole) == Utf8Status.Valid;
    }
}
