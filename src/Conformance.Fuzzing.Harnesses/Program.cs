using System.Runtime.InteropServices;
using Conformance.Fuzzing.CoverageGuided;
using SharpFuzz;

// conformance-harness NAME: under afl-fuzz, SharpFuzz's fork server runs the harness on each input; otherwise it
// runs once on standard input, which is how a crash file is reproduced.
unsafe
{
    // Instrumented code that runs before the fork server starts (static constructors, the harness lookup) writes
    // its coverage here instead of through a null pointer.
    SharpFuzz.Common.Trace.SharedMem = (byte*)NativeMemory.AllocZeroed(1 << 16);
}

if (args.Length != 1 || HarnessCatalogue.Find(args[0]) is not { } harness)
{
    Console.Error.WriteLine($"usage: conformance-harness NAME (one of: {HarnessCatalogue.Names}); the input comes on standard input");
    return 2;
}

Fuzzer.OutOfProcess.Run(stream =>
{
    var input = new MemoryStream();
    stream.CopyTo(input);
    harness.Run(input.GetBuffer().AsSpan(0, (int)input.Length));
});
return 0;
