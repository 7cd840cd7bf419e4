using Conformance.Engine.Configuration;

namespace Conformance.Engine.Tests;

public class SettingsReaderTests
{
    private string _json = "";

    [SetUp]
    public void CreateFile() => _json = Path.Combine(Directory.CreateTempSubdirectory("settings").FullName, "conformance.json");

    private Settings Read(string? json = null, Dictionary<string, string?>? env = null, Dictionary<string, string?>? cli = null)
    {
        if (json is not null) File.WriteAllText(_json, json);
        return SettingsReader.Read(_json, false, cli ?? new(), env ?? new());
    }

    [Test]
    public void Defaults_need_no_file()
    {
        var s = Read();
        Assert.That((s.Targets.Count, s.Parallelism, s.Out, s.CaseTimeout), Is.EqualTo((0, 16, "reports", TimeSpan.FromSeconds(30))));
    }

    [Test]
    public void The_environment_overrides_the_file_and_the_command_line_overrides_both()
    {
        var json = """{ "target": "ws://a:1/", "parallelism": 2, "origin": "http://file", "headers": { "Authorization": "Bearer x" } }""";
        var s = Read(json, new() { ["CONFORMANCE_PARALLELISM"] = "3", ["CONFORMANCE_ORIGIN"] = "http://env" }, new() { ["parallelism"] = "4" });
        Assert.That(s.Parallelism, Is.EqualTo(4));
        Assert.That(s.Origin, Is.EqualTo("http://env"));
        Assert.That(s.Targets.Single(), Is.EqualTo(new Uri("ws://a:1/")));
        Assert.That(s.Headers.Single(), Is.EqualTo(KeyValuePair.Create("Authorization", "Bearer x")));
    }

    [Test]
    public void Lists_come_as_arrays_or_comma_separated()
    {
        var s = Read("""{ "cases": ["1.*", "2.1"] }""", cli: new() { ["exclude"] = "1.1.8, 2.*" });
        Assert.That(s.Cases, Is.EqualTo(new[] { "1.*", "2.1" }));
        Assert.That(s.Exclude, Is.EqualTo(new[] { "1.1.8", "2.*" }));
    }

    [TestCase("parallelism", "abc", "parallelism (command line): \"abc\" is not a whole number from 1 to 1024")]
    [TestCase("parallelism", "0", "parallelism (command line)")]
    [TestCase("target", "http://x/", "target (command line): \"http://x/\" is not a ws:// or wss:// URL")]
    [TestCase("target", "not a url", "target (command line): \"not a url\" is not a ws:// or wss:// URL")]
    [TestCase("caseTimeout", "-1", "caseTimeout (command line): \"-1\" is not a number of seconds")]
    [TestCase("insecure", "maybe", "insecure (command line): \"maybe\" is not true or false")]
    [TestCase("failOn", "BROKEN", "failOn (command line): \"BROKEN\" is not a verdict")]
    [TestCase("colour", "red", "colour (command line): unknown setting")]
    [TestCase("storedOctets", "64KiB", "storedOctets (command line): \"64KiB\" is not a whole number from 1024 to 2147483647")]
    [TestCase("storedOctets", "100", "storedOctets (command line): \"100\" is not a whole number from 1024")]
    [TestCase("storedOctets", "4294967296", "storedOctets (command line)")]
    public void A_bad_value_is_one_line_that_names_the_key(string key, string value, string expected)
    {
        var error = Assert.Throws<SettingsException>(() => Read(cli: new() { [key] = value }))!;
        Assert.That(error.Message, Does.StartWith(expected.Split(':')[0]));
        Assert.That(error.Message, Does.Contain(expected));
        Assert.That(error.Message, Does.Not.Contain("\n"));
    }

    [Test]
    public void The_stored_octets_reach_the_session_options_of_every_target()
    {
        var target = new Uri("ws://a:1/");
        Assert.That(Read().SessionFor(target).StoredOctetsPerDirection, Is.EqualTo(Settings.DefaultStoredOctets));
        Assert.That(Read("""{ "storedOctets": 4096 }""").SessionFor(target).StoredOctetsPerDirection, Is.EqualTo(4096));
        Assert.That(Read(env: new() { ["CONFORMANCE_STOREDOCTETS"] = "2048" }).SessionFor(target).StoredOctetsPerDirection, Is.EqualTo(2048));
        Assert.That(Read(cli: new() { ["storedOctets"] = "1048576" }).SessionFor(target).StoredOctetsPerDirection, Is.EqualTo(1 << 20));
    }

    [Test]
    public void A_bad_value_in_the_file_names_the_file()
    {
        var error = Assert.Throws<SettingsException>(() => Read("""{ "parallelism": "many" }"""))!;
        Assert.That(error.Message, Does.StartWith("parallelism (in conformance.json)"));
    }

    [Test]
    public void A_bad_value_in_the_environment_names_the_variable()
    {
        var error = Assert.Throws<SettingsException>(() => Read(env: new() { ["CONFORMANCE_PARALLELISM"] = "x" }))!;
        Assert.That(error.Message, Does.StartWith("parallelism (environment CONFORMANCE_PARALLELISM)"));
    }

    [Test]
    public void A_file_that_is_not_JSON_is_named()
    {
        var error = Assert.Throws<SettingsException>(() => Read("{ target: "))!;
        Assert.That(error.Message, Does.Contain("conformance.json: not valid JSON"));
    }

    [TestCase("origin", "http://a\r\nX-Injected: 1", "origin (command line): the value must be one line of text")]
    [TestCase("subprotocols", "chat,x\ny", "subprotocols (command line): the value must be one line of text")]
    public void A_line_break_in_a_value_of_the_opening_request_is_refused(string key, string value, string expected)
    {
        var error = Assert.Throws<SettingsException>(() => Read(cli: new() { [key] = value }))!;
        Assert.That(error.Message, Does.StartWith(expected));
    }

    [Test]
    public void The_install_folders_of_the_tools_and_targets_are_not_settings_and_are_passed_over()
    {
        var s = Read(env: new() { ["CONFORMANCE_TOOLS_DIR"] = "/opt/tools", ["CONFORMANCE_TARGETS_DIR"] = "/opt/targets", ["CONFORMANCE_PARALLELISM"] = "3" });
        Assert.That(s.Parallelism, Is.EqualTo(3));
        var error = Assert.Throws<SettingsException>(() => Read(env: new() { ["CONFORMANCE_TOOLS_DIRS"] = "/opt/tools" }))!;
        Assert.That(error.Message, Does.StartWith("TOOLS_DIRS (environment CONFORMANCE_TOOLS_DIRS): unknown setting"), "another unknown variable still is one");
    }

    [Test]
    public void The_process_environment_is_read_when_none_is_given_and_its_install_folders_passed_over()
    {
        string[] names = ["CONFORMANCE_TOOLS_DIR", "CONFORMANCE_TARGETS_DIR"];
        var before = names.Select(Environment.GetEnvironmentVariable).ToList();
        foreach (var name in names) Environment.SetEnvironmentVariable(name, "/opt/" + name);
        try
        {
            Assert.DoesNotThrow(() => SettingsReader.Read(_json, false, new Dictionary<string, string?>()));
        }
        finally
        {
            for (var i = 0; i < names.Length; i++) Environment.SetEnvironmentVariable(names[i], before[i]);
        }
    }
}
