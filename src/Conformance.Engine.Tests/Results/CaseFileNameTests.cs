namespace Conformance.Engine.Tests;

public class CaseFileNameTests
{
    private static RunResults Run(string agent) => new()
    {
        ToolVersion = "0", Target = "ws://127.0.0.1:9001/", Agent = agent, StartedAt = DateTimeOffset.UnixEpoch, CasesSelected = 0, Cases = [],
    };

    [Test]
    public void Each_run_gets_a_file_name_part_of_its_own_even_where_case_is_not_told_apart()
    {
        var parts = ResultsWriter.AgentFileParts([Run("a/b"), Run("a_b"), Run("A_B"), Run(".."), Run("."), Run("kestrel-embedded")]);
        Assert.That(parts, Is.EqualTo(new[] { "a_b", "a_b-2", "A_B-3", "__", "_", "kestrel-embedded" }));
    }

    [TestCase("..", "__")]
    [TestCase("", "_")]
    [TestCase("../../etc", ".._.._etc")]
    [TestCase("<b>agent</b>", "_b_agent__b_")]
    public void A_name_becomes_one_file_name_part(string name, string part)
    {
        Assert.That(ResultsWriter.SafeFilePart(name), Is.EqualTo(part));
        Assert.That(Path.GetFileName(ResultsWriter.SafeFilePart(name)), Is.EqualTo(part), "no folder in it");
    }

    [Test]
    public void A_long_name_is_cut_to_leave_room_in_a_file_name() =>
        Assert.That(ResultsWriter.SafeFilePart(new string('x', 1000)), Has.Length.EqualTo(ResultsWriter.LongestFilePart));

    [Test]
    public void A_case_id_from_a_results_file_cannot_lead_out_of_the_cases_folder() =>
        Assert.That(ResultsWriter.CaseFileStem("a", "../../x/y"), Is.EqualTo("a_case_______x_y"));
}
