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
        root.Subcommands.Add(ClientsCommand.Create());
        return root;
    }

    /// <summary>
    /// Parses and runs a command line. Whatever goes wrong ends as one line on standard error: a bad input as a usage
    /// error (exit 2) where the command checks it, anything unforeseen as its message and type (exit 5), never a stack trace.
    /// </summary>
    public static Task<int> InvokeAsync(string[] args) => GuardedAsync(() => ParseAndInvokeAsync(args));

    /// <summary>The command's exit code, or, when it throws, exit 5 with the exception's message and type as one line.</summary>
    internal static async Task<int> GuardedAsync(Func<Task<int>> command)
    {
        try
        {
            return await command();
        }
        catch (Exception e)
        {
            var inner = e is AggregateException { InnerExceptions: [var only] } ? only : e;
            return ExitCodes.Fail($"{inner.Message} ({inner.GetType().Name})", ExitCodes.Unexpected);
        }
    }

    private static async Task<int> ParseAndInvokeAsync(string[] args)
    {
        var parse = Create().Parse(args);
        if (parse.Errors.Count > 0)
        {
            // The first mistake, in one line; the rest are often its echoes ("expects a single argument").
            Console.Error.WriteLine($"conformance: {UsageError.OneLine(parse.Errors[0])}");
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
