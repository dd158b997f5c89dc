using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Tuf.Repository;

/// <summary>The repository tooling's refusals: each says what a client would do with the file and what to do instead.</summary>
public static class TufRepositoryErrors
{
    public static OpsException NotARepository(string directory, string what) =>
        new(OpsErrorCode.TufRepositoryInvalid, $"'{directory}' is not a usable TUF repository: {what}.", directory,
            "Give --repo the directory 'tuf-ceremony init' made (it holds tuf-repository.json), or run 'tuf-ceremony init' there first.");

    public static OpsException ThresholdNotMet(string role, string detail, IEnumerable<string> missing) =>
        new(OpsErrorCode.TufRepositoryThresholdNotMet, $"TUF {role} is not signed by enough keys: {detail}. Still to sign: {string.Join(", ", missing)}.", role,
            "Have the listed holders sign (sign-metadata.sh with their key, or Export-StellaTufPending → Add-StellaTufSignature on their machine → Import-StellaTufPending), then publish.");

    public static OpsException Expiry(string role, string detail) =>
        new(OpsErrorCode.TufRepositoryExpiryInvalid, $"TUF {role} {detail}.", role,
            "Run sign-metadata.sh: it sets expiries by the repository's policy (tuf-repository.json 'expiry').");

    public static OpsException Version(string role, string detail) =>
        new(OpsErrorCode.TufRepositoryVersionInvalid, $"TUF {role} {detail}.", role,
            "Clients refuse a version that does not increase (and a root that is not the next version): sign again with sign-metadata.sh from the published state.");

    public static OpsException KeyIdMismatch(string role, string keyId, string actual) =>
        new(OpsErrorCode.TufRepositoryKeyIdMismatch, $"TUF {role} lists a key under id {keyId}, but the key's id is {actual}.", role,
            "Clients never match that key: re-create the metadata with the tooling (it lists keys under their spec ids).");

    public static OpsException OutOfStep(string role, string detail) =>
        new(OpsErrorCode.TufRepositoryOutOfStep, $"TUF {role} is out of step: {detail}.", role,
            "Run sign-metadata.sh, which re-signs snapshot and timestamp over the current files, then publish.");

    public static OpsException KeyUnavailable(string key, string detail) =>
        new(OpsErrorCode.TufRepositoryKeyUnavailable, $"The key '{key}' cannot be used: {detail}.", key,
            "Check the key file and its password (the password comes from the prompt, or from the variable or file named by --password-env / --password-file).");

    public static OpsException Pending(string detail) =>
        new(OpsErrorCode.TufRepositoryPendingInvalid, $"Pending metadata: {detail}.", "pending",
            "Export the repository's current pending file (Export-StellaTufPending), sign that file, and import it into the same repository.");

    public static OpsException TargetEdit(string target, string detail) =>
        new(OpsErrorCode.TufRepositoryTargetEditInvalid, $"The change to {target} is refused: {detail}.", target,
            "Check the key name or URL (Get-StellaTufRepository lists the targets; the change log says what was done).");

    public static OpsException PublishFailed(string directory, string detail) =>
        new(OpsErrorCode.TufRepositoryPublishFailed, $"Publishing to '{directory}' failed: {detail}.", directory,
            "Publish into a directory you own that no one else can write to (and that is not a link); nothing a client reads was half-written.");

    public static OpsException PasswordMissing(string key) =>
        new(OpsErrorCode.TufRepositoryPasswordMissing, $"No password for '{key}'.", key,
            "Run interactively (you are prompted), or name an environment variable or a file holding the password (--password-env NAME / --password-file PATH; online keys: STELLA_TUF_ONLINE_PASSWORD or STELLA_TUF_ONLINE_PASSWORD_FILE).");

    public static OpsException TokenUnavailable(string holder, string token, string detail) =>
        new(OpsErrorCode.TufRepositoryTokenUnavailable, $"The root key of {holder} on {token} cannot be used: {detail}.", holder,
            "Check that the holder's token is plugged in and its label is right (pkcs11-tool --module MODULE --list-tokens), that the PIN is the token's user PIN, and that --pkcs11-module names the token's PKCS#11 library.");

    public static OpsException PinMissing(string holder, string token) =>
        new(OpsErrorCode.TufRepositoryTokenPinMissing, $"No PIN for {holder}'s {token}.", holder,
            "Run interactively (you are prompted), or name an environment variable or an owner-only file holding the PIN (--pin-env NAME / --pin-file PATH, where {holder} stands for the holder's name; or STELLA_TUF_TOKEN_PIN / STELLA_TUF_TOKEN_PIN_FILE).");
}
