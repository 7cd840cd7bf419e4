using dnlib.DotNet;
using dnlib.DotNet.MD;
using dnlib.DotNet.Writer;
using dnlib.PE;

namespace Conformance.Fuzzing.Afl;

/// <summary>
/// Makes a ReadyToRun assembly (as the framework's are) IL-only, which SharpFuzz can instrument on Linux: the
/// precompiled code is dropped and the runtime compiles the IL instead.
/// </summary>
public static class ReadyToRunRewriter
{
    /// <summary>True when the assembly carries precompiled code (not IL-only, or marked as an IL library).</summary>
    public static bool IsReadyToRun(string path)
    {
        using var module = ModuleDefMD.Load(File.ReadAllBytes(path));
        return !module.IsILOnly || (module.Cor20HeaderFlags & ComImageFlags.ILLibrary) != 0;
    }

    public static void MakeIlOnly(string path)
    {
        using var module = ModuleDefMD.Load(File.ReadAllBytes(path));
        module.IsILOnly = true;
        module.Cor20HeaderFlags &= ~ComImageFlags.ILLibrary;
        // The ReadyToRun machine is AMD64 with an OS tag; left so, the runtime cannot load the assembly.
        module.Machine = Machine.I386;
        var rewritten = new MemoryStream();
        module.Write(rewritten, new ModuleWriterOptions(module));
        File.WriteAllBytes(path, rewritten.ToArray());
    }
}
