using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Management.Automation.Runspaces;
using System.Net;
using System.Security;
using StellaOps.Ops.PowerShell.Hsm;

namespace StellaOps.Ops.PowerShell.Tests;

/// <summary>
/// Set-StellaHsmPin's prompting, in a runspace whose host answers prompts like a terminal would. The daemon (a real
/// one, without an HSM) answers HsmNotConfigured: reaching it proves the prompted PINs were collected and sent. The
/// PIN change itself, on real SoftHSM2 tokens, is tested in tests/pester/Hsm.Tests.ps1.
/// </summary>
public class SetStellaHsmPinPromptTests : IClassFixture<DaemonFixture>
{
    private readonly DaemonFixture _daemon;

    public SetStellaHsmPinPromptTests(DaemonFixture daemon) => _daemon = daemon;

    private (List<PSObject> Output, List<ErrorRecord> Errors, Exception? Thrown) Run(PSHost? host, Action<System.Management.Automation.PowerShell> parameters)
    {
        var iss = InitialSessionState.CreateDefault2();
        iss.Commands.Add(new SessionStateCmdletEntry("Set-StellaHsmPin", typeof(SetStellaHsmPinCommand), null));
        using var rs = host is null ? RunspaceFactory.CreateRunspace(iss) : RunspaceFactory.CreateRunspace(host, iss);
        rs.Open();
        using var ps = System.Management.Automation.PowerShell.Create(rs);
        ps.AddCommand("Set-StellaHsmPin").AddParameter("Slot", "primary").AddParameter("Endpoint", _daemon.Endpoint);
        parameters(ps);
        try
        {
            var output = ps.Invoke().ToList();
            return (output, [.. ps.Streams.Error], null); // copied: disposing the PowerShell clears its streams
        }
        catch (RuntimeException ex)
        {
            return ([], [.. ps.Streams.Error], ex);
        }
    }

    private static PSCredential Pin(string pin) => new("pin", new NetworkCredential("", pin).SecurePassword);

    [Fact]
    public void PromptsForAllThreePinsMaskedAndSendsThem()
    {
        var host = new AnsweringHost(new() { ["Current PIN"] = "1111", ["New PIN"] = "2222", ["Confirm new PIN"] = "2222" });
        var (output, errors, thrown) = Run(host, _ => { });
        Assert.Null(thrown);
        Assert.Empty(output);
        Assert.Equal(["Current PIN", "New PIN", "Confirm new PIN"], host.Ui.AskedFor);
        Assert.All(host.Ui.AskedTypes, t => Assert.Equal(typeof(SecureString).FullName, t));
        var error = Assert.Single(errors);
        Assert.StartsWith("HsmNotConfigured,", error.FullyQualifiedErrorId);
        Assert.DoesNotContain("1111", host.Ui.Shown);
        Assert.DoesNotContain("2222", host.Ui.Shown);
    }

    [Fact]
    public void AsksOnlyForWhatIsMissing()
    {
        var host = new AnsweringHost(new() { ["New PIN"] = "2222", ["Confirm new PIN"] = "2222" });
        var (_, errors, thrown) = Run(host, ps => ps.AddParameter("CurrentCredential", Pin("1111")));
        Assert.Null(thrown);
        Assert.Equal(["New PIN", "Confirm new PIN"], host.Ui.AskedFor);
        Assert.StartsWith("HsmNotConfigured,", Assert.Single(errors).FullyQualifiedErrorId);
    }

    [Fact]
    public void DifferentConfirmationChangesNothing()
    {
        var host = new AnsweringHost(new() { ["Current PIN"] = "1111", ["New PIN"] = "2222", ["Confirm new PIN"] = "2223" });
        var (_, _, thrown) = Run(host, _ => { });
        var error = Assert.IsAssignableFrom<IContainsErrorRecord>(thrown).ErrorRecord;
        Assert.StartsWith("HsmPinMismatch,", error.FullyQualifiedErrorId);
        Assert.DoesNotContain("222", error.ToString());
    }

    [Fact]
    public void WithoutAHostThatCanPromptItSaysWhichParametersToPass()
    {
        var (_, _, thrown) = Run(new AnsweringHost(null), _ => { });
        var error = Assert.IsAssignableFrom<IContainsErrorRecord>(thrown).ErrorRecord;
        Assert.StartsWith("HsmPinRequired,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Contains("-CurrentCredential", error.ErrorDetails.RecommendedAction);
    }

    [Fact]
    public void BothCredentialsGivenNeverPrompt()
    {
        var host = new AnsweringHost(null);
        var (_, errors, thrown) = Run(host, ps => ps.AddParameter("CurrentCredential", Pin("1111")).AddParameter("Credential", Pin("2222")));
        Assert.Null(thrown);
        Assert.Empty(host.Ui.AskedFor);
        Assert.StartsWith("HsmNotConfigured,", Assert.Single(errors).FullyQualifiedErrorId);
    }

    /// <summary>A host whose Prompt answers from a table, like a user typing; null answers = a host that cannot prompt.</summary>
    private sealed class AnsweringHost(Dictionary<string, string>? answers) : PSHost
    {
        public AnsweringUi Ui { get; } = new(answers);
        public override string Name => "AnsweringHost";
        public override Version Version => new(1, 0);
        public override Guid InstanceId { get; } = Guid.NewGuid();
        public override PSHostUserInterface UI => Ui;
        public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;
        public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;
        public override void EnterNestedPrompt() => throw new NotSupportedException();
        public override void ExitNestedPrompt() => throw new NotSupportedException();
        public override void NotifyBeginApplication() { }
        public override void NotifyEndApplication() { }
        public override void SetShouldExit(int exitCode) { }
    }

    private sealed class AnsweringUi(Dictionary<string, string>? answers) : PSHostUserInterface
    {
        public List<string> AskedFor { get; } = [];
        public List<string> AskedTypes { get; } = [];
        /// <summary>Everything the cmdlet showed the user (captions, messages, output).</summary>
        public string Shown { get; private set; } = "";

        public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions)
        {
            Shown += caption + "\n" + message + "\n";
            if (answers is null) throw new PSInvalidOperationException("This host cannot prompt (like pwsh -NonInteractive).");
            var result = new Dictionary<string, PSObject>();
            foreach (var d in descriptions)
            {
                AskedFor.Add(d.Name);
                AskedTypes.Add(d.ParameterTypeFullName);
                result[d.Name] = PSObject.AsPSObject(new NetworkCredential("", answers[d.Name]).SecurePassword);
            }
            return result;
        }

        public override PSHostRawUserInterface? RawUI => null;
        public override string ReadLine() => throw new NotSupportedException();
        public override SecureString ReadLineAsSecureString() => throw new NotSupportedException();
        public override void Write(string value) => Shown += value;
        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Shown += value;
        public override void WriteLine(string value) => Shown += value + "\n";
        public override void WriteErrorLine(string value) => Shown += value + "\n";
        public override void WriteDebugLine(string message) => Shown += message + "\n";
        public override void WriteProgress(long sourceId, ProgressRecord record) { }
        public override void WriteVerboseLine(string message) => Shown += message + "\n";
        public override void WriteWarningLine(string message) => Shown += message + "\n";
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) => throw new NotSupportedException();
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) => throw new NotSupportedException();
        public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice) => throw new NotSupportedException();
    }
}
