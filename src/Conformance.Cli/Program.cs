using System.CommandLine;
using Conformance.Cli;
using Conformance.Engine.Configuration;

var flags = new CommandLineFlags();
var root = new RootCommand(
    "Conformance: replays scripted WebSocket conversations against a server and scores each against RFC 6455.\n" +
    "With no --target, the embedded ASP.NET Core (Kestrel) echo server is started on a free loopback port and tested.\n" +
    "Settings come from conformance.json (or --config), then CONFORMANCE_* environment variables, then these flags.\n" +
    "Exit codes: 0 completed, 1 a --fail-on verdict occurred, 2 bad usage or configuration, 3 target unreachable, 4 interrupted.");
flags.AddTo(root);
var list = new Command("list", "List the cases the selection would run, without running them.");
flags.AddTo(list);
root.Subcommands.Add(list);
// Parsing only: the run itself happens below, once the settings are read and checked.
root.SetAction(_ => ExitCodes.Completed);
list.SetAction(_ => ExitCodes.Completed);

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (var error in parse.Errors) Console.Error.WriteLine($"conformance: {error.Message}");
    Console.Error.WriteLine("conformance: see --help");
    return ExitCodes.Usage;
}
if (parse.Tokens.Any(t => t.Value is "--help" or "-h" or "-?" or "--version"))
    return await parse.InvokeAsync();

Dictionary<string, string?> commandLine;
try
{
    commandLine = flags.ToConfiguration(parse);
}
catch (SettingsException e)
{
    Console.Error.WriteLine($"conformance: {e.Message}");
    return ExitCodes.Usage;
}
return await RunCommand.ExecuteAsync(commandLine, flags.ConfigFile(parse), listOnly: parse.CommandResult.Command == list);
