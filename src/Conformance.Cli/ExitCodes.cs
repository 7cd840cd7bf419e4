namespace Conformance.Cli;

public static class ExitCodes
{
    /// <summary>Every selected case ran and no --fail-on verdict occurred.</summary>
    public const int Completed = 0;
    /// <summary>A verdict named by --fail-on occurred.</summary>
    public const int VerdictsFailed = 1;
    /// <summary>Bad usage: unknown flag, bad setting, malformed case file, no case selected.</summary>
    public const int Usage = 2;
    /// <summary>The target could not be reached, or did not accept a WebSocket connection at all.</summary>
    public const int Unreachable = 3;
    /// <summary>The run stopped before every case ran (Ctrl+C, SIGTERM, run timeout); the results so far are written.</summary>
    public const int Interrupted = 4;
    /// <summary>Something the command did not foresee went wrong (a bug, or a system failure it does not handle); one line says what.</summary>
    public const int Unexpected = 5;

    /// <summary>Prints the one line that says why the command stops, and returns its exit code.</summary>
    public static int Fail(string message, int code = Usage)
    {
        Console.Error.WriteLine($"conformance: {OneLine(message)}");
        return code;
    }

    /// <summary>A message as one line: line breaks (a value quoted in it may hold some) become spaces.</summary>
    public static string OneLine(string message) => string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
