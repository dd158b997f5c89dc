using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Net;
using System.Security;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Hsm;

/// <summary>
/// Set-StellaHsmPin: changes the user PIN on an HSM's token and in the daemon's PIN file (stella crypto hsm auth update
/// --slot &lt;slot-id&gt;). The new PIN is -Credential's password, the current one -CurrentCredential's (user names are
/// ignored). What is not given is asked for when the session can prompt; otherwise the command fails and says which
/// parameters to pass. The PINs go to the daemon only: never into output, verbose, errors or the ShouldProcess text.
/// </summary>
// Medium, not High: the verbatim runbook line must reach the PIN prompt (or, non-interactive, the clear HsmPinRequired
// error) without a confirmation prompt first; typing the current PIN is the confirmation.
[Cmdlet(VerbsCommon.Set, "StellaHsmPin", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(HsmLoginResult))]
public sealed class SetStellaHsmPinCommand : StellaCmdlet
{
    /// <summary>The HSM: 'primary', 'backup', a slot id, a token label or a token serial.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("SlotId")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(HsmSlotCompleter))]
    public string Slot { get; set; } = "";

    /// <summary>The new PIN (the password; the user name is ignored).</summary>
    [Parameter(Position = 1)]
    [ValidateNotNull]
    public PSCredential? Credential { get; set; }

    /// <summary>The PIN the token accepts now (the password; the user name is ignored).</summary>
    [Parameter]
    [ValidateNotNull]
    public PSCredential? CurrentCredential { get; set; }

    protected override void ProcessRecord()
    {
        if (!ShouldProcess(Slot, "Change the user PIN on the token and in the daemon's PIN file")) return;
        var (current, next) = CollectPins();
        // The RPC takes strings: the plain PINs exist only for the duration of this call.
        var result = InvokeForItem((c, _, ct) => c.Hsm.SetPinAsync(Slot, current.Password, next.Password, ct), Slot);
        if (result is not null) WriteObject(result);
    }

    private (NetworkCredential Current, NetworkCredential New) CollectPins()
    {
        if (CurrentCredential is not null && Credential is not null)
            return (CurrentCredential.GetNetworkCredential(), Credential.GetNetworkCredential());

        var fields = new Collection<FieldDescription>();
        if (CurrentCredential is null) fields.Add(SecureField("Current PIN"));
        if (Credential is null) { fields.Add(SecureField("New PIN")); fields.Add(SecureField("Confirm new PIN")); }

        Dictionary<string, PSObject>? answers = null;
        try
        {
            answers = Host?.UI?.Prompt($"Change the user PIN of HSM '{Slot}'", "The PINs are sent to the daemon only; they are not shown or logged.", fields);
        }
        catch (Exception ex) when (ex is PSInvalidOperationException or HostException or NotImplementedException or PSNotImplementedException)
        {
            answers = null; // a non-interactive session (pwsh -NonInteractive, a service, a job) cannot prompt
        }
        if (answers is null)
        {
            ThrowTerminatingError(PinError("HsmPinRequired", ErrorCategory.InvalidArgument,
                $"Set-StellaHsmPin needs the current and the new PIN of '{Slot}', and this session cannot prompt for them.",
                "Pass -CurrentCredential (current PIN) and -Credential (new PIN) as PSCredential objects, e.g. from Get-Credential or a secret store; the user names are ignored. Or run the command in an interactive session."));
        }

        string Read(string name) => answers![name].BaseObject is SecureString s ? new NetworkCredential("", s).Password : "";
        var current = CurrentCredential?.GetNetworkCredential() ?? new NetworkCredential("", Read("Current PIN"));
        if (Credential is not null) return (current, Credential.GetNetworkCredential());
        var next = Read("New PIN");
        if (next != Read("Confirm new PIN"))
        {
            ThrowTerminatingError(PinError("HsmPinMismatch", ErrorCategory.InvalidData,
                "The new PIN and its confirmation differ; nothing was changed.", "Run the command again and type the same new PIN twice."));
        }
        return (current, new NetworkCredential("", next));
    }

    private static FieldDescription SecureField(string name)
    {
        var field = new FieldDescription(name) { Label = name, IsMandatory = true };
        field.SetParameterType(typeof(SecureString)); // the host reads it masked, as a SecureString
        return field;
    }

    private ErrorRecord PinError(string id, ErrorCategory category, string message, string action)
        => new(new PSArgumentException(message), id, category, Slot) { ErrorDetails = new ErrorDetails(message) { RecommendedAction = action } };
}
