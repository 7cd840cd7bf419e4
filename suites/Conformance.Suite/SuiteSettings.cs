using Conformance.Engine.Cases;
using Conformance.Engine.Configuration;

namespace Conformance.Suite;

/// <summary>
/// The run's settings as the tests see them, while they are found and while they run: test run parameters,
/// CONFORMANCE_* variables, a config file named by the "config" parameter; and the cases they select.
/// </summary>
internal static class SuiteSettings
{
    public static Settings Read()
    {
        var parameters = TestContext.Parameters.Names
            .Where(name => name != "config")
            .ToDictionary(name => name, name => TestContext.Parameters[name], StringComparer.OrdinalIgnoreCase);
        var config = TestContext.Parameters["config"];
        return SettingsReader.Read(config ?? "conformance.json", config is not null, parameters);
    }

    /// <summary>
    /// The cases the run plays: over HTTP/2 (the "http2" setting) those that apply there, so without category 0, which
    /// tests the HTTP/1.1 opening handshake, and with category E, which tests extended CONNECT (RFC 8441); else the
    /// cases of HTTP/1.1.
    /// </summary>
    public static IReadOnlyList<CaseDefinition> Cases(Settings settings)
    {
        var catalogue = Catalogue.Load(SuiteFiles.Suites(TestContext.Parameters["suites"]));
        return settings.Http2 ? catalogue.OverHttp2 : catalogue.Cases;
    }
}
