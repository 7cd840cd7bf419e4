using System.Runtime.InteropServices;

namespace Conformance.Cli.Tests;

/// <summary>kill(2), to send a process the signal a terminal or a service manager would (.NET has no call for it).</summary>
internal static partial class Posix
{
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;

    [LibraryImport("libc", SetLastError = true)]
    public static partial int kill(int pid, int signal);
}
