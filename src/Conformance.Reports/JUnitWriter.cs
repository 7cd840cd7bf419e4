using System.Text;
using System.Xml;
using Conformance.Engine;
using Conformance.Engine.Results;

namespace Conformance.Reports;

/// <summary>
/// junit.xml: a test suite per target and category, a test case per case. FAILED behaviour and a close verdict
/// other than OK or INFORMATIONAL are failures, UNIMPLEMENTED is skipped; the reason goes with each.
/// </summary>
public static class JUnitWriter
{
    public static void Write(string path, ResultsDocument document)
    {
        var settings = new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false) };
        using var xml = XmlWriter.Create(path, settings);
        xml.WriteStartElement("testsuites");
        xml.WriteAttributeString("name", "conformance");
        foreach (var run in document.Runs)
        {
            foreach (var category in run.Cases.GroupBy(c => c.Category))
            {
                var cases = category.ToList();
                xml.WriteStartElement("testsuite");
                xml.WriteAttributeString("name", Clean($"{run.Agent}: {category.Key} {cases[0].CategoryTitle}"));
                xml.WriteAttributeString("tests", cases.Count.ToString());
                xml.WriteAttributeString("failures", cases.Count(c => c.Fails).ToString());
                xml.WriteAttributeString("skipped", cases.Count(c => c.Behavior == Verdict.Unimplemented).ToString());
                xml.WriteAttributeString("time", Seconds(cases.Sum(c => c.DurationMs)));
                xml.WriteAttributeString("timestamp", run.StartedAt.ToString("yyyy-MM-ddTHH:mm:ss"));
                xml.WriteAttributeString("hostname", Clean(run.Target));
                foreach (var c in cases) WriteCase(xml, run, c);
                xml.WriteEndElement();
            }
        }
        xml.WriteEndElement();
    }

    private static void WriteCase(XmlWriter xml, RunResults run, CaseResult c)
    {
        xml.WriteStartElement("testcase");
        xml.WriteAttributeString("classname", Clean($"conformance.{run.Agent}.{c.Category}"));
        xml.WriteAttributeString("name", Clean($"{c.Id} {c.Title}"));
        xml.WriteAttributeString("time", Seconds(c.DurationMs));
        var verdicts = c.Verdicts.ToString();
        if (c.Fails)
        {
            xml.WriteStartElement("failure");
            xml.WriteAttributeString("message", Clean($"{verdicts}: {c.Reason}"));
            xml.WriteAttributeString("type", verdicts);
            xml.WriteString(Clean($"{c.Reason}\nRFC: {string.Join(", ", c.Rfc)}\n{c.Requirement}"));
            xml.WriteEndElement();
        }
        else if (c.Behavior == Verdict.Unimplemented)
        {
            xml.WriteStartElement("skipped");
            xml.WriteAttributeString("message", Clean($"{verdicts}: {c.Reason}"));
            xml.WriteEndElement();
        }
        xml.WriteElementString("system-out", Clean($"{verdicts}: {c.Reason}"));
        xml.WriteEndElement();
    }

    private static string Seconds(long milliseconds) => (milliseconds / 1000.0).ToString("0.000", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>XML cannot carry every character a server may send (most control characters): those become U+FFFD.</summary>
    private static string Clean(string text)
    {
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            if (char.IsHighSurrogate(ch) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(ch).Append(text[++i]);
                continue;
            }
            builder.Append(XmlConvert.IsXmlChar(ch) ? ch : '\uFFFD');
        }
        return builder.ToString();
    }
}
