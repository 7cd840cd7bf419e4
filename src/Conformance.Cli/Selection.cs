using Conformance.Engine.Cases;
using Conformance.Engine.Configuration;

namespace Conformance.Cli;

/// <summary>The settings and the cases they select, or the one line that says why there are none.</summary>
internal sealed record Selection(Settings Settings, IReadOnlyList<CaseDefinition> Cases)
{
    /// <param name="allRoles">Select among every case, also those played against clients only (the clients command); else among the cases played against servers.</param>
    public static Selection? Load(Dictionary<string, string?> commandLine, string? configFile, bool allRoles = false)
    {
        Settings settings;
        IReadOnlyList<CaseDefinition> cases;
        try
        {
            settings = SettingsReader.Read(configFile ?? "conformance.json", configFile is not null, commandLine);
            var catalogue = Catalogue.Load(settings.Suites);
            cases = allRoles ? catalogue.SelectAll(settings.Cases, settings.Exclude)
                : settings.Http2 ? catalogue.SelectOverHttp2(settings.Cases, settings.Exclude).Concat(catalogue.Select(settings.Cases, settings.Exclude))
                    .Distinct().OrderBy(c => c.Id, CaseIdComparer.Instance).ToList()
                : catalogue.Select(settings.Cases, settings.Exclude);
            if (!allRoles && !settings.Http2 && settings.Cases.Count > 0
                && catalogue.SelectOverHttp2(settings.Cases, settings.Exclude).Count(c => c.OnlyOverHttp2) is var onlyHttp2 and > 0)
            {
                if (cases.Count == 0)
                {
                    Console.Error.WriteLine($"conformance: the {onlyHttp2} selected case(s) test extended CONNECT (RFC 8441) and are played over HTTP/2 only: add --http2");
                    return null;
                }
                Console.Error.WriteLine($"conformance: {onlyHttp2} selected case(s) test extended CONNECT (RFC 8441) and are played over HTTP/2 only (--http2); left out");
            }
        }
        catch (Exception e) when (e is SettingsException or CaseFileException)
        {
            Console.Error.WriteLine($"conformance: {e.Message}");
            return null;
        }
        if (settings.Http2 && cases.Count(c => !c.AppliesOverHttp2) is var leftOut and > 0)
        {
            if (leftOut == cases.Count)
            {
                Console.Error.WriteLine("conformance: http2: no selected case applies over HTTP/2, where extended CONNECT replaces the HTTP/1.1 " +
                                        "opening handshake that the 0.* cases test (RFC 8441 4, 5)");
                return null;
            }
            Console.Error.WriteLine($"conformance: {leftOut} case(s) of the HTTP/1.1 opening handshake do not apply over HTTP/2, where " +
                                    "extended CONNECT opens the WebSocket (RFC 8441 4, 5), and are left out");
            cases = cases.Where(c => c.AppliesOverHttp2).ToList();
        }
        if (cases.Count == 0)
        {
            Console.Error.WriteLine($"conformance: no case matches the selection (cases: {Show(settings.Cases, "all")}; exclude: {Show(settings.Exclude, "none")})");
            return null;
        }
        var compressing = cases.Count(c => c.MayUseDeflate);
        if (compressing > 0 && Protocol.Deflate.DeflateParameters.ZlibMissing() is { } missing)
        {
            Console.Error.WriteLine($"conformance: {compressing} selected case(s) use permessage-deflate, but {missing}. Repair the .NET " +
                                    "installation, or leave those cases out (--exclude '0.5.4,0.5.5,0.8.*,12.*,13.*,D.*').");
            return null;
        }
        return new Selection(settings, cases);
    }

    private static string Show(IReadOnlyList<string> patterns, string whenEmpty) => patterns.Count == 0 ? whenEmpty : string.Join(",", patterns);
}
