using System.Text;
using FsCheck.Fluent;

namespace Conformance.Protocol.Tests;

public class HttpHeadTests
{
    [TestCase("HTTP/1.1 101 OK\r\nA: b\r\n\r\nrest", 25)]
    [TestCase("HTTP/1.1 101 OK\nA: b\n\nrest", 22)]
    [TestCase("HTTP/1.1 101 OK\nA: b\n\r\nrest", 23)]
    [TestCase("HTTP/1.1 101 OK\r\nA: b\r\n\nrest", 24)]
    [TestCase("HTTP/1.1 101 OK\r\nA: b\r\n", -1)]
    public void The_head_ends_after_its_first_empty_line_whatever_its_lines_end_in(string octets, int length) =>
        Assert.That(HttpHead.Length(Encoding.Latin1.GetBytes(octets)), Is.EqualTo(length));

    [Test]
    public void The_head_ends_where_the_response_parser_says_it_does()
    {
        var ending = Gen.Elements("\r\n", "\n");
        var line = Gen.Elements("Upgrade: websocket", "Connection: Upgrade", "X: \r", "Y:  z", "Sec-WebSocket-Accept: abc");
        var head = from lines in Gen.ListOf(Gen.Zip(line, ending))
                   from statusEnd in ending
                   from emptyEnd in ending
                   from rest in Gen.Elements("", "\n", "\r\n", "\x81\x00", "\n\n")
                   select "HTTP/1.1 101 Switching Protocols" + statusEnd + string.Concat(lines.Select(l => l.Item1 + l.Item2)) + emptyEnd + rest;
        PropertyCheck.Holds(head, text =>
        {
            var octets = Encoding.Latin1.GetBytes(text);
            var status = UpgradeResponse.TryParse(octets, 64 * 1024, out _, out var consumed, out _);
            return status != ResponseParseStatus.Complete || HttpHead.Length(octets) == consumed;
        }, maxTest: 500);
    }
}
