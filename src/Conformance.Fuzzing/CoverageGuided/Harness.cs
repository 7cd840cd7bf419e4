namespace Conformance.Fuzzing.CoverageGuided;

/// <summary>
/// Code that a coverage-guided fuzzer (AFL++ through SharpFuzz) feeds with raw bytes. <see cref="Run"/> returns
/// for every input the code under test handles as it should, including inputs it must refuse; any exception that
/// escapes is a crash. A harness is found by its <see cref="Name"/>: deriving from this class is all it takes to
/// add one (see <see cref="HarnessCatalogue"/>).
/// </summary>
public abstract class Harness
{
    /// <summary>What `--harness` calls it: lower case, words joined by '-'.</summary>
    public abstract string Name { get; }

    /// <summary>One line for `--help` and reports.</summary>
    public abstract string Description { get; }

    /// <summary>The assemblies whose code AFL++ sees, instrumented in the published harness.</summary>
    public virtual IReadOnlyList<InstrumentedAssembly> Instrumented { get; } = [InstrumentedAssembly.Protocol];

    /// <summary>False for a harness run only when named (such as the planted bug that proves the set-up).</summary>
    public virtual bool RunsByDefault => true;

    public abstract void Run(ReadOnlySpan<byte> input);

    /// <summary>Inputs to start from, made from the scripted cases.</summary>
    public abstract IEnumerable<byte[]> Seeds(SeedMaterial material);

    /// <summary>Tokens for AFL++'s dictionary: byte strings the fuzzer would hardly guess (AFL++ sees no comparisons in .NET code).</summary>
    public virtual IEnumerable<byte[]> DictionaryTokens => FuzzingTokens.Framing;
}

/// <param name="FileName">The assembly's file in the published harness, e.g. Conformance.Protocol.dll.</param>
/// <param name="Prefixes">Namespaces or types to instrument; none means all of the assembly.</param>
public sealed record InstrumentedAssembly(string FileName, params string[] Prefixes)
{
    public static InstrumentedAssembly Protocol { get; } = new("Conformance.Protocol.dll");
}

/// <summary>A harness found a bug that throws no exception of its own: two answers that must agree did not.</summary>
public sealed class OracleViolationException(string message) : Exception(message);
