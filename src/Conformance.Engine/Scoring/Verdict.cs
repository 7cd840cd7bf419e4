namespace Conformance.Engine;

/// <summary>Behaviour verdicts, with Autobahn|Testsuite's meaning and words.</summary>
public enum Verdict { Ok, NonStrict, Informational, Unimplemented, Failed }

/// <summary>Close-behaviour verdicts, with Autobahn|Testsuite's meaning and words.</summary>
public enum CloseVerdict { Ok, Failed, WrongCode, Unclean, FailedByClient, Informational }

public static class VerdictWords
{
    public static string Word(this Verdict verdict) => verdict switch
    {
        Verdict.Ok => "OK",
        Verdict.NonStrict => "NON-STRICT",
        Verdict.Informational => "INFORMATIONAL",
        Verdict.Unimplemented => "UNIMPLEMENTED",
        _ => "FAILED",
    };

    public static string Word(this CloseVerdict verdict) => verdict switch
    {
        CloseVerdict.Ok => "OK",
        CloseVerdict.WrongCode => "WRONG CODE",
        CloseVerdict.Unclean => "UNCLEAN",
        CloseVerdict.FailedByClient => "FAILED BY CLIENT",
        CloseVerdict.Informational => "INFORMATIONAL",
        _ => "FAILED",
    };

    public static bool TryParseVerdict(string word, out Verdict verdict)
    {
        foreach (var v in Enum.GetValues<Verdict>())
        {
            if (string.Equals(v.Word(), word.Trim(), StringComparison.OrdinalIgnoreCase)) { verdict = v; return true; }
        }
        verdict = default;
        return false;
    }
}
