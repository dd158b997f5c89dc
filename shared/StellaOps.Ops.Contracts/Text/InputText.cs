using System.Globalization;

namespace StellaOps.Ops.Contracts.Text;

/// <summary>
/// The rules for short texts that the daemon stores and shows again (key names and purposes, subject names, attestation
/// and predicate types, reasons): a length cap and no character that <see cref="TerminalText"/> would have to escape.
/// A broken rule is <see cref="OpsErrorCode.InvalidArgument"/> naming the field, the rule and the position, echoing
/// the value only escaped and shortened.
/// </summary>
public static class InputText
{
    /// <summary>Key names: shown in every key table.</summary>
    public const int NameMaxLength = 128;
    /// <summary>Key purposes (attestation-signing, …).</summary>
    public const int PurposeMaxLength = 64;
    /// <summary>Subject names (an image reference, a file path, a URI).</summary>
    public const int SubjectMaxLength = 1024;
    /// <summary>Attestation types: a short name or a predicate type URI.</summary>
    public const int TypeMaxLength = 512;
    /// <summary>Free-text reasons (revocation, …).</summary>
    public const int ReasonMaxLength = 1024;

    /// <summary>Throws InvalidArgument when <paramref name="value"/> breaks a rule; null or empty passes (callers check required).</summary>
    public static void Check(string? value, string field, int maxLength)
    {
        if (string.IsNullOrEmpty(value)) return;
        if (value.Length > maxLength)
            throw OpsException.InvalidArgument(
                $"The {field} is {value.Length.ToString(CultureInfo.InvariantCulture)} characters long; at most {maxLength.ToString(CultureInfo.InvariantCulture)} are allowed.",
                field, $"Give a shorter {field} (up to {maxLength.ToString(CultureInfo.InvariantCulture)} characters).");
        var at = TerminalText.IndexOfUnsafe(value);
        if (at >= 0)
            throw OpsException.InvalidArgument(
                $"The {field} '{TerminalText.Preview(value)}' contains a control character or invisible formatting character (U+{((int)value[at]).ToString("X4", CultureInfo.InvariantCulture)} at position {(at + 1).ToString(CultureInfo.InvariantCulture)}); these are not allowed.",
                field, $"Give a {field} of printable characters only: no escape sequences, tabs, line breaks or bidirectional overrides.");
    }
}
