using System.IO.Pipes;
using System.Runtime.Versioning;
using System.Security.AccessControl;
using System.Security.Principal;

namespace StellaOps.Ops.Daemon.Ipc;

/// <summary>
/// The Windows named pipe. Its ACL admits SYSTEM, Administrators and the configured groups; the role is decided
/// afterwards from the client's token, like the Unix side. Not exercised by this repository's CI (Linux only).
/// </summary>
[SupportedOSPlatform("windows")]
public sealed class WindowsPipeListener(string endpoint, IReadOnlyList<string> operatorGroups, IReadOnlyList<string> readerGroups) : IConnectionListener
{
    private readonly string _pipeName = endpoint.StartsWith(@"\\.\pipe\", StringComparison.OrdinalIgnoreCase) ? endpoint[9..] : endpoint;

    public string Endpoint => endpoint;

    public void Start()
    {
    }

    public async Task<AcceptedConnection> AcceptAsync(CancellationToken cancellationToken)
    {
        var security = new PipeSecurity();
        security.AddAccessRule(new PipeAccessRule(new SecurityIdentifier(WellKnownSidType.LocalSystemSid, null), PipeAccessRights.FullControl, AccessControlType.Allow));
        security.AddAccessRule(new PipeAccessRule(new SecurityIdentifier(WellKnownSidType.BuiltinAdministratorsSid, null), PipeAccessRights.FullControl, AccessControlType.Allow));
        security.AddAccessRule(new PipeAccessRule(WindowsIdentity.GetCurrent().User!, PipeAccessRights.FullControl, AccessControlType.Allow));
        foreach (var g in operatorGroups.Concat(readerGroups))
            security.AddAccessRule(new PipeAccessRule(new NTAccount(g), PipeAccessRights.ReadWrite, AccessControlType.Allow));
        var pipe = NamedPipeServerStreamAcl.Create(_pipeName, PipeDirection.InOut, NamedPipeServerStream.MaxAllowedServerInstances,
            PipeTransmissionMode.Byte, PipeOptions.Asynchronous, 0, 0, security);
        await pipe.WaitForConnectionAsync(cancellationToken).ConfigureAwait(false);
        // The role comes from the client's token: administrators and operator groups change, reader groups look.
        StellaOps.Ops.Contracts.CallerIdentity? caller = null;
        pipe.RunAsClient(() =>
        {
            using var identity = WindowsIdentity.GetCurrent();
            var principal = new WindowsPrincipal(identity);
            var role = principal.IsInRole(WindowsBuiltInRole.Administrator) || operatorGroups.Any(principal.IsInRole)
                ? StellaOps.Ops.Contracts.CallerRole.Operator
                : readerGroups.Any(principal.IsInRole) ? StellaOps.Ops.Contracts.CallerRole.Reader : StellaOps.Ops.Contracts.CallerRole.None;
            caller = new StellaOps.Ops.Contracts.CallerIdentity { UserName = identity.Name, Role = role };
        });
        return new AcceptedConnection(pipe, 0, 0, 0, []) { Resolved = caller };
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
