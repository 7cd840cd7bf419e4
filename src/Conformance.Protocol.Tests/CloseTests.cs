namespace Conformance.Protocol.Tests;

public class CloseTests
{
    [TestCase(0, false)]
    [TestCase(999, false)]
    [TestCase(1000, true)]
    [TestCase(1001, true)]
    [TestCase(1002, true)]
    [TestCase(1003, true)]
    [TestCase(1004, false)]
    [TestCase(1005, false)]
    [TestCase(1006, false)]
    [TestCase(1007, true)]
    [TestCase(1008, true)]
    [TestCase(1009, true)]
    [TestCase(1010, true)]
    [TestCase(1011, true)]
    [TestCase(1012, true)]
    [TestCase(1013, true)]
    [TestCase(1014, true)]
    [TestCase(1015, false)]
    [TestCase(1016, false)]
    [TestCase(1100, false)]
    [TestCase(2000, false)]
    [TestCase(2999, false)]
    [TestCase(3000, true)]
    [TestCase(3999, true)]
    [TestCase(4000, true)]
    [TestCase(4999, true)]
    [TestCase(5000, false)]
    [TestCase(65535, false)]
    [TestCase(-1, false)]
    public void Close_codes_valid_on_the_wire(int code, bool valid) =>
        Assert.That(CloseCodes.IsValidOnWire(code), Is.EqualTo(valid));

    [TestCase(1000, "1000 normal closure")]
    [TestCase(1002, "1002 protocol error")]
    [TestCase(1007, "1007 invalid frame payload data")]
    [TestCase(1004, "1004 reserved")]
    [TestCase(2000, "2000 reserved")]
    [TestCase(3500, "3500 registered")]
    [TestCase(4000, "4000 private use")]
    [TestCase(999, "999 not used")]
    [TestCase(5000, "5000 undefined")]
    public void Close_codes_are_described(int code, string description) =>
        Assert.That(CloseCodes.Describe(code), Is.EqualTo(description));

    [Test]
    public void An_empty_payload_has_no_code_and_is_valid()
    {
        ClosePayload close = ClosePayload.Parse([], out string? violation);
        Assert.That(violation, Is.Null);
        Assert.That(close.Code, Is.Null);
        Assert.That(close.Reason, Is.Empty);
    }

    [Test]
    public void A_one_byte_payload_is_a_violation()
    {
        ClosePayload close = ClosePayload.Parse([0x03], out string? violation);
        Assert.That(violation, Does.Contain("1 byte"));
        Assert.That(close.Code, Is.Null);
    }

    [Test]
    public void A_two_byte_payload_is_just_a_code()
    {
        ClosePayload close = ClosePayload.Parse([0x03, 0xE8], out string? violation);
        Assert.That(violation, Is.Null);
        Assert.That(close.Code, Is.EqualTo(CloseCodes.Normal));
        Assert.That(close.ReasonText, Is.Empty);
    }

    [Test]
    public void A_code_with_a_UTF8_reason_round_trips()
    {
        byte[] payload = ClosePayload.Build(CloseCodes.GoingAway, "au revoir ✓"u8);
        ClosePayload close = ClosePayload.Parse(payload, out string? violation);
        Assert.That(violation, Is.Null);
        Assert.That(close.Code, Is.EqualTo(CloseCodes.GoingAway));
        Assert.That(close.ReasonText, Is.EqualTo("au revoir ✓"));
    }

    [Test]
    public void An_invalid_UTF8_reason_is_a_violation_but_still_read()
    {
        ClosePayload close = ClosePayload.Parse([0x03, 0xE8, 0x41, 0xED, 0xA0, 0x80], out string? violation);
        Assert.That(violation, Does.Contain("UTF-8"));
        Assert.That(close.Code, Is.EqualTo(1000));
        Assert.That(close.Reason, Is.EqualTo(new byte[] { 0x41, 0xED, 0xA0, 0x80 }));
        Assert.That(close.ReasonText, Does.StartWith("A"));
    }

    [Test]
    public void A_reason_cut_inside_a_character_is_a_violation()
    {
        ClosePayload.Parse([0x03, 0xE8, 0xCE], out string? violation);
        Assert.That(violation, Does.Contain("UTF-8"));
    }

    [TestCase(1005)]
    [TestCase(1006)]
    [TestCase(999)]
    [TestCase(2000)]
    [TestCase(5000)]
    public void A_code_not_allowed_on_the_wire_is_a_violation(int code)
    {
        ClosePayload close = ClosePayload.Parse(ClosePayload.Build((ushort)code, []), out string? violation);
        Assert.That(violation, Does.Contain(code.ToString()));
        Assert.That(close.Code, Is.EqualTo(code));
    }

    [Test]
    public void A_payload_longer_than_125_bytes_is_a_violation()
    {
        byte[] payload = ClosePayload.Build(CloseCodes.Normal, new byte[124].Select(_ => (byte)'a').ToArray());
        ClosePayload.Parse(payload, out string? violation);
        Assert.That(violation, Does.Contain("125"));
        ClosePayload.Parse(payload[..125], out string? atLimit);
        Assert.That(atLimit, Is.Null);
    }

    [Test]
    public void Build_writes_the_code_big_endian_then_the_reason() =>
        Assert.That(ClosePayload.Build(0x1234, "ok"u8), Is.EqualTo(new byte[] { 0x12, 0x34, (byte)'o', (byte)'k' }));
}
