using System.Buffers;
using System.Text;
using System.Text.Unicode;
using FsCheck.Fluent;

namespace Conformance.Protocol.Tests;

public class Utf8ValidatorTests
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    [TestCase("", Utf8Status.Valid, -1)]
    [TestCase("CE BA E1 BD B9 CF 83 CE BC CE B5", Utf8Status.Valid, -1)] // "κόσμε"
    [TestCase("F4 8F BF BF", Utf8Status.Valid, -1)]                      // U+10FFFF
    [TestCase("EF BF BF", Utf8Status.Valid, -1)]                         // U+FFFF is a noncharacter but valid
    [TestCase("CE", Utf8Status.Incomplete, -1)]
    [TestCase("41 CE BA E1 BD", Utf8Status.Incomplete, -1)]
    [TestCase("F0 9F 98", Utf8Status.Incomplete, -1)]
    [TestCase("C0 80", Utf8Status.Invalid, 0)]                           // overlong NUL
    [TestCase("C1 BF", Utf8Status.Invalid, 0)]
    [TestCase("E0 80 80", Utf8Status.Invalid, 1)]                        // overlong 3-byte
    [TestCase("E0 9F BF", Utf8Status.Invalid, 1)]
    [TestCase("F0 80 80 80", Utf8Status.Invalid, 1)]                     // overlong 4-byte
    [TestCase("F0 8F BF BF", Utf8Status.Invalid, 1)]
    [TestCase("ED A0 80", Utf8Status.Invalid, 1)]                        // U+D800
    [TestCase("ED BF BF", Utf8Status.Invalid, 1)]                        // U+DFFF
    [TestCase("ED A0 80 ED B0 80", Utf8Status.Invalid, 1)]               // surrogate pair
    [TestCase("F4 90 80 80", Utf8Status.Invalid, 1)]                     // U+110000
    [TestCase("F5 80 80 80", Utf8Status.Invalid, 0)]
    [TestCase("F8 88 80 80 80", Utf8Status.Invalid, 0)]                  // old 5-byte form
    [TestCase("FC 84 80 80 80 80", Utf8Status.Invalid, 0)]               // old 6-byte form
    [TestCase("FE", Utf8Status.Invalid, 0)]
    [TestCase("FF", Utf8Status.Invalid, 0)]
    [TestCase("80", Utf8Status.Invalid, 0)]                              // lonely continuation
    [TestCase("41 42 BF", Utf8Status.Invalid, 2)]
    [TestCase("CE 41", Utf8Status.Invalid, 1)]                           // sequence cut short by ASCII
    [TestCase("E1 80 C2 80", Utf8Status.Invalid, 2)]
    [TestCase("CE BA E1 BD B9 CF 83 CE BC CE B5 ED A0 80 65 64 69 74 65 64", Utf8Status.Invalid, 12)]
    public void Markus_Kuhn_style_cases_fail_at_the_first_impossible_byte(string hex, Utf8Status status, long invalidAt)
    {
        byte[] bytes = PropertyCheck.Hex(hex);
        var validator = new Utf8Validator();
        Assert.That(validator.Feed(bytes), Is.EqualTo(status));
        Assert.That(validator.Status, Is.EqualTo(status));
        Assert.That(validator.InvalidAtOffset, Is.EqualTo(invalidAt));
        Assert.That(validator.BytesValidated, Is.EqualTo(bytes.Length));

        var byteByByte = new Utf8Validator();
        foreach (byte b in bytes)
        {
            byteByByte.Feed([b]);
        }

        Assert.That(byteByByte.Status, Is.EqualTo(status));
        Assert.That(byteByByte.InvalidAtOffset, Is.EqualTo(invalidAt));
    }

    [Test]
    public void Invalid_stays_invalid_and_bytes_are_still_counted()
    {
        var validator = new Utf8Validator();
        validator.Feed([0x41, 0xFF]);
        Assert.That(validator.Feed("valid"u8), Is.EqualTo(Utf8Status.Invalid));
        Assert.That(validator.InvalidAtOffset, Is.EqualTo(1));
        Assert.That(validator.BytesValidated, Is.EqualTo(7));
    }

    [Test]
    public void A_default_validator_is_valid_with_nothing_fed()
    {
        var validator = default(Utf8Validator);
        Assert.That(validator.Status, Is.EqualTo(Utf8Status.Valid));
        Assert.That(validator.InvalidAtOffset, Is.EqualTo(-1));
    }

    [Test]
    public void Agrees_with_strict_UTF8Encoding_on_arbitrary_bytes() =>
        PropertyCheck.Holds(Utf8Generators.AnyBytes, bytes => Utf8Validator.IsValid(bytes) == StrictlyDecodes(bytes), maxTest: 1000);

    [Test]
    public void Accepts_every_valid_string() =>
        PropertyCheck.Holds(
            Utf8Generators.ValidString,
            text => Utf8Validator.IsValid(Strict.GetBytes(text)),
            maxTest: 500);

    [Test]
    public void Status_and_failure_offset_agree_with_the_runtime_decoder_on_every_prefix() =>
        PropertyCheck.Holds(Utf8Generators.NearlyUtf8, bytes =>
        {
            var validator = new Utf8Validator();
            Utf8Status status = validator.Feed(bytes);
            if (status != RuntimeStatus(bytes))
            {
                return false;
            }

            // Failing fast means: the bytes before the offset could still begin valid text, and one more cannot.
            long at = validator.InvalidAtOffset;
            return at < 0 || (RuntimeStatus(bytes[..(int)at]) != Utf8Status.Invalid && RuntimeStatus(bytes[..(int)(at + 1)]) == Utf8Status.Invalid);
        }, maxTest: 1000);

    [Test]
    public void Feeding_in_random_pieces_gives_the_same_result() =>
        PropertyCheck.Holds(
            from bytes in Utf8Generators.AnyBytes
            from maxPiece in Gen.Elements(1, 2, 3, 5, 16, 100)
            from seed in Gen.Choose(0, int.MaxValue)
            select (bytes, maxPiece, seed),
            testCase =>
            {
                var whole = new Utf8Validator();
                whole.Feed(testCase.bytes);
                var pieces = new Utf8Validator();
                foreach ((int start, int length) in PropertyCheck.Pieces(testCase.seed, testCase.bytes.Length, testCase.maxPiece))
                {
                    pieces.Feed(testCase.bytes.AsSpan(start, length));
                }

                return pieces.Status == whole.Status
                    && pieces.InvalidAtOffset == whole.InvalidAtOffset
                    && pieces.BytesValidated == testCase.bytes.Length;
            },
            maxTest: 1000);

    private static bool StrictlyDecodes(byte[] bytes)
    {
        try
        {
            Strict.GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    /// <summary>What the runtime's streaming decoder says about these bytes when more may follow.</summary>
    private static Utf8Status RuntimeStatus(byte[] bytes)
    {
        var chars = new char[bytes.Length + 1];
        OperationStatus result = Utf8.ToUtf16(bytes, chars, out _, out _, replaceInvalidSequences: false, isFinalBlock: false);
        return result switch
        {
            OperationStatus.Done => Utf8Status.Valid,
            OperationStatus.NeedMoreData => Utf8Status.Incomplete,
            _ => Utf8Status.Invalid,
        };
    }
}
