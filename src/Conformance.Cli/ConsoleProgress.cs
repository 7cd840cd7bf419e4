using System.Diagnostics;
using Conformance.Engine.Results;

namespace Conformance.Cli;

/// <summary>Progress on stderr: one rewritten line on a terminal, a line every few seconds otherwise.</summary>
internal sealed class ConsoleProgress(int total)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly bool _terminal = !Console.IsErrorRedirected;
    private readonly object _gate = new();
    private TimeSpan? _lastPrinted;
    private int _done;
    private int _notOk;

    public void Finished(CaseResult result)
    {
        lock (_gate)
        {
            _done++;
            if (Summary.IsNotOk(result)) _notOk++;
            var now = _clock.Elapsed;
            if (!_terminal && now - _lastPrinted < TimeSpan.FromSeconds(5) && _done < total) return;
            _lastPrinted = now;
            var line = $"[{_done,4}/{total}] {now.TotalSeconds,6:0.0} s  {_notOk} not OK  last: {result.Id} {result.Verdicts}";
            if (_terminal) Console.Error.Write("\r" + line.PadRight(Math.Max(0, Console.WindowWidth - 1))[..Math.Min(line.Length + 10, Math.Max(1, Console.WindowWidth - 1))]);
            else Console.Error.WriteLine(line);
        }
    }

    public void Done()
    {
        if (_terminal && _done > 0) Console.Error.WriteLine();
    }
}
