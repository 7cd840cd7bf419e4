using System.CommandLine;

namespace Conformance.Cli;

/// <summary>The `conformance` command: its command tree, and parsing then running a command line.</summary>
internal static class ConformanceCommand
{
    public static RootCommand Create()
    {
        var root = RunCommand.CreateRoot();
        root.Subcommands.Add(RunCommand.CreateList());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(ReportCommand.Create());
        root.Subcommands.Add(BaselineCommand.Create());
        root.Subcommands.Add(DiffCommand.Create());
        root.Subcommands.Add(FuzzCommand.Create());
        root.Subcommands.Add(RunCommand.CreateReplay());
        return root;
    }

    public static async Task<int> InvokeAsync(string[] args)
    {
        var parse = Create().Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) Console.Error.WriteLine($"conformance: {UsageError.OneLine(error)}");
            return ExitCodes.Usage;
        }
        return await parse.InvokeAsync(new InvocationConfiguration
        {
            // Ctrl+C and SIGTERM cancel the token the actions get; an interrupted run then writes its results and exits 4.
            ProcessTerminationTimeout = TimeSpan.FromMinutes(1),
            EnableDefaultExceptionHandler = false,
        });
    }
}
