using NUnit.Framework;

namespace Conformance.Testing;

/// <summary>Tests that each get an empty folder of their own, removed when the test ends.</summary>
public abstract class WithScratchFolder
{
    protected string Scratch { get; private set; } = "";

    [SetUp]
    public void CreateScratch() => Scratch = Directory.CreateTempSubdirectory("conformance-test").FullName;

    [TearDown]
    public void RemoveScratch()
    {
        if (Directory.Exists(Scratch)) Directory.Delete(Scratch, recursive: true);
    }
}
