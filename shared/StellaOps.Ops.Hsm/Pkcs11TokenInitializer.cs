using System.Text;
using Net.Pkcs11Interop.Common;

namespace StellaOps.Ops.Hsm;

/// <summary>
/// Initialises a token through PKCS#11 itself (C_InitToken on a slot with an uninitialised token, then C_InitPIN as
/// the security officer), so the PINs stay in this process's memory: no helper process, no PIN on a command line
/// that any local user can read in /proc.
/// </summary>
public static class Pkcs11TokenInitializer
{
    private const int LabelLength = 32;

    /// <summary>
    /// Initialises the first present, uninitialised token of <paramref name="library"/> (SoftHSM2's free slot) with
    /// <paramref name="label"/>, the security officer PIN and the user PIN. Returns the new token's serial. The arrays
    /// are not zeroed (the caller owns them).
    /// </summary>
    public static async Task<string> InitializeAsync(Pkcs11Library library, string label, byte[] soPin, byte[] userPin, TimeSpan deadline, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(library);
        ArgumentException.ThrowIfNullOrWhiteSpace(label);
        ArgumentNullException.ThrowIfNull(soPin);
        ArgumentNullException.ThrowIfNull(userPin);
        byte[] paddedLabel = Encoding.UTF8.GetBytes(label);
        if (paddedLabel.Length > LabelLength)
        {
            throw new ArgumentException($"A token label has at most {LabelLength} bytes.", nameof(label));
        }

        paddedLabel = [.. paddedLabel, .. Enumerable.Repeat((byte)' ', LabelLength - paddedLabel.Length)];
        const string name = "token initialisation";
        var module = await library.EnsureLoadedAsync(deadline, name, cancellationToken).ConfigureAwait(false);
        try
        {
            return await NativeCallRunner.RunAsync(() =>
            {
                module.Enter(name);
                try
                {
                    var slot = module.Library.GetSlotList(SlotsType.WithTokenPresent).FirstOrDefault(s => !s.GetTokenInfo().TokenFlags.TokenInitialized)
                        ?? throw new HsmException(HsmErrorKind.Connection, $"Module '{library.ModulePath}' has no slot with an uninitialised token to initialise '{label}' in.", null, name);
                    slot.InitToken(soPin, paddedLabel);
                    using (var session = slot.OpenSession(SessionType.ReadWrite))
                    {
                        session.Login(CKU.CKU_SO, soPin);
                        session.InitPin(userPin);
                        session.Logout();
                    }

                    return slot.GetTokenInfo().SerialNumber.Trim();
                }
                finally
                {
                    module.Exit();
                }
            }, deadline, "C_InitToken/C_InitPIN", name, cancellationToken).ConfigureAwait(false);
        }
        catch (Pkcs11Exception e)
        {
            throw Pkcs11ErrorClassifier.FromPkcs11(e, $"initialising token '{label}'", name);
        }
    }
}
