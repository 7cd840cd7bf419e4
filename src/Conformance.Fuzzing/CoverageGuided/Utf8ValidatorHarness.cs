using System.Buffers;
using System.Text.Unicode;
using Conformance.Protocol;

namespace Conformance.Fuzzing.CoverageGuided;

/// <summary>
/// The incremental UTF-8 validator against .NET's strict UTF-8 decoder, on any octets: they must agree on valid,
/// invalid and cut short (a sequence begun at the end); where the input is invalid, the validator's failure
/// offset must lie within the sequence .NET refuses. Fed whole, in two parts (split where the first octet says)
/// and octet by octet, the validator must give the same answer.
/// </summary>
public sealed class Utf8ValidatorHarness : Harness
{
    public override string Name => "utf8-validator";

    public override string Description => "Conformance.Protocol's Utf8Validator, differentially against .NET's strict UTF-8 decoder";

    public override void Run(ReadOnlySpan<byte> input)
    {
        var whole = new Utf8Validator();
        whole.Feed(input);

        var decoded = new char[input.Length];
        OperationStatus dotnet = Utf8.ToUtf16(input, decoded, out int dotnetRead, out _, replaceInvalidSequences: false, isFinalBlock: false);
        Utf8Status expected = dotnet switch
        {
            OperationStatus.Done => Utf8Status.Valid,
            OperationStatus.NeedMoreData => Utf8Status.Incomplete,
            _ => Utf8Status.Invalid,
        };
        if (whole.Status != expected)
            throw new OracleViolationException($"the validator says {whole.Status}, .NET's decoder {dotnet} after {dotnetRead} octet(s)");
        if (expected == Utf8Status.Invalid && (whole.InvalidAtOffset < dotnetRead || whole.InvalidAtOffset > dotnetRead + 3))
            throw new OracleViolationException($"the validator fails at offset {whole.InvalidAtOffset}, but .NET's decoder refuses the sequence at {dotnetRead}");
        if (Utf8Validator.IsValid(input) != (dotnet == OperationStatus.Done))
            throw new OracleViolationException("IsValid disagrees with Feed");

        int split = input.IsEmpty ? 0 : input[0] % (input.Length + 1);
        var twoParts = new Utf8Validator();
        twoParts.Feed(input[..split]);
        twoParts.Feed(input[split..]);
        Same(whole, twoParts, $"in two parts split at {split}");

        var octetByOctet = new Utf8Validator();
        for (int i = 0; i < input.Length; i++) octetByOctet.Feed(input.Slice(i, 1));
        Same(whole, octetByOctet, "octet by octet");
    }

    private static void Same(Utf8Validator whole, Utf8Validator other, string how)
    {
        if (whole.Status != other.Status || whole.InvalidAtOffset != other.InvalidAtOffset || whole.BytesValidated != other.BytesValidated)
            throw new OracleViolationException(
                $"fed whole: {whole.Status} at {whole.InvalidAtOffset}; fed {how}: {other.Status} at {other.InvalidAtOffset}");
    }

    public override IEnumerable<byte[]> Seeds(SeedMaterial material) =>
        material.TextPayloads.Concat(FuzzingTokens.Utf8).Append("Hello-µ@ßöäüàá-UTF-8!!"u8.ToArray());

    public override IEnumerable<byte[]> DictionaryTokens => FuzzingTokens.Utf8;
}
