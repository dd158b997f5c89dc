using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.TestSupport;
using static StellaOps.Ops.IntegrationTests.Hsm.HsmTestHost;

namespace StellaOps.Ops.IntegrationTests.Hsm;

/// <summary>
/// Issue 9, item 3: hsm.pkcs11.library_path names code the daemon runs as its own user, with the PIN and the master
/// key in reach. An operator (a real member of the operators group) must not be able to point it at a module another
/// user controls; root names modules in opsd.json; and a module that became replaceable since is refused when loaded.
/// </summary>
public sealed class Pkcs11LibraryTrustTests : IAsyncLifetime
{
    private static readonly TimeSpan Connect = TimeSpan.FromSeconds(20);
    private readonly SharedDirectory _shared;
    private SoftHsmToken _token = null!;
    private ProbeClient _probe = null!;

    public Pkcs11LibraryTrustTests()
    {
        UnixAccounts.Ensure();
        _shared = new SharedDirectory("stellaops-p11trust-");
    }

    public Task InitializeAsync()
    {
        _token = SoftHsmToken.Create(pin: "24681357");
        _probe = ProbeClient.CopyTo(_shared.Root);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        _token.Dispose();
        _shared.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task An_operator_cannot_point_the_daemon_at_a_module_another_user_controls()
    {
        var theirs = StrangersModule("lib");
        var inOpen = RootsModule("open", "0777");
        var open = Path.GetDirectoryName(inOpen)!;
        await using var d = await StartDaemonAsync();

        var set = _probe.Run(UnixAccounts.Operator, [d.Endpoint, "set", "hsm.pkcs11.library_path", theirs]);
        Assert.False(set.GetProperty("ok").GetBoolean(), $"an operator set the module to another user's file: {set}");
        Assert.Equal("UntrustedPath", set.GetProperty("code").GetString());
        Assert.Contains($"{Path.GetDirectoryName(theirs)} is owned by {UnixAccounts.Stranger}", set.GetProperty("message").GetString());
        Assert.Contains("will not load a PKCS#11 module", set.GetProperty("message").GetString());

        // Root's own file, but in a directory anyone may write: someone can put another file in its place.
        set = _probe.Run(UnixAccounts.Operator, [d.Endpoint, "set", "hsm.pkcs11.library_path", inOpen]);
        Assert.Equal("UntrustedPath", set.GetProperty("code").GetString());
        Assert.Contains($"{open} is writable by group or others", set.GetProperty("message").GetString());

        await using var admin = await d.ConnectAsync();
        Assert.Equal(SoftHsmLibrary, (await admin.Config.GetAsync("hsm.pkcs11.library_path", CancellationToken.None)).Single().Value);
        var status = await admin.Hsm.ResetAsync(reloadLibrary: true, CancellationToken.None);
        Assert.Equal(SoftHsmLibrary, status.Members[0].LibraryPath);
    }

    [Fact]
    public async Task A_module_named_in_opsd_json_is_loaded_and_one_that_became_replaceable_is_refused_at_load()
    {
        var listed = StrangersModule("vendor");
        var rootModule = RootsModule("rootlib", "0755");
        var rootDir = Path.GetDirectoryName(rootModule)!;
        await using var d = await StartDaemonAsync(trusted: [listed]);
        await using var admin = await d.ConnectAsync();

        // Root named it in the configuration file: that is root's decision, so an operator may select it.
        var set = _probe.Run(UnixAccounts.Operator, [d.Endpoint, "set", "hsm.pkcs11.library_path", listed]);
        Assert.True(set.GetProperty("ok").GetBoolean(), set.ToString());
        await admin.Hsm.ResetAsync(reloadLibrary: true, CancellationToken.None);
        var status = await WaitForAsync(admin, s => s.State == HsmOverallState.Connected, Connect, "Connected");
        Assert.Equal(listed, status.Members[0].LibraryPath);

        // A root-owned module in a root-owned directory: accepted.
        set = _probe.Run(UnixAccounts.Operator, [d.Endpoint, "set", "hsm.pkcs11.library_path", rootModule]);
        Assert.True(set.GetProperty("ok").GetBoolean(), set.ToString());
        await admin.Hsm.ResetAsync(reloadLibrary: true, CancellationToken.None);
        status = await WaitForAsync(admin, s => s.State == HsmOverallState.Connected, Connect, "Connected");
        Assert.Equal(rootModule, status.Members[0].LibraryPath);

        // Then its directory is opened to everyone and another user swaps the module: the next load refuses it.
        File.SetUnixFileMode(rootDir, SharedDirectory.Mode("0777"));
        UnixAccounts.MustRunAs(UnixAccounts.Stranger, "cp", SoftHsmLibrary, rootModule + ".new");
        UnixAccounts.MustRunAs(UnixAccounts.Stranger, "mv", "-f", rootModule + ".new", rootModule);
        var ex = await Assert.ThrowsAsync<OpsException>(() => HandshakeAndSettingsTests.Call(() => admin.Hsm.ResetAsync(reloadLibrary: true, CancellationToken.None)));
        Assert.Equal(OpsErrorCode.UntrustedPath, ex.Code);
        Assert.Contains($"{rootDir} is writable by group or others", ex.Message);
        Assert.Contains("Hsm:Pkcs11:TrustedLibraries", ex.RecommendedAction);
    }

    /// <summary>A copy of the SoftHSM module of root's, in a directory of root's with the given mode.</summary>
    private string RootsModule(string directory, string mode)
    {
        var module = Path.Combine(_shared.MakeDirectory(directory, mode), "libsofthsm2.so");
        File.Copy(SoftHsmLibrary, module);
        return module;
    }

    /// <summary>A copy of the SoftHSM module in a directory of the stranger's, owned by the stranger.</summary>
    private string StrangersModule(string directory)
    {
        var dir = _shared.PathOf(directory);
        UnixAccounts.MustRunAs(UnixAccounts.Stranger, "mkdir", "-m", "0755", dir);
        var module = Path.Combine(dir, "libsofthsm2.so");
        UnixAccounts.MustRunAs(UnixAccounts.Stranger, "cp", SoftHsmLibrary, module);
        return module;
    }

    private async Task<DaemonProcess> StartDaemonAsync(string[]? trusted = null)
    {
        var root = Directory.CreateTempSubdirectory("stellaops-p11trust-d-").FullName;
        // The probe users reach the socket; the daemon's role check is what decides.
        File.SetUnixFileMode(root, SharedDirectory.Mode("0755"));
        var d = new DaemonProcess(root, new Dictionary<string, string>
        {
            ["Ipc:SocketMode"] = "0666",
            ["Ipc:DirectoryMode"] = "0755",
            ["Ipc:ReaderGroups:0"] = UnixAccounts.ReadersGroup,
            ["Ipc:OperatorGroups:0"] = UnixAccounts.OperatorsGroup,
        });
        var pinFile = WritePinFile(d, "primary.pin", _token.Pin);
        WriteConfig(d, new
        {
            Pkcs11 = new { LibraryPath = SoftHsmLibrary, TrustedLibraries = trusted ?? [] },
            Primary = new { TokenLabel = _token.Label, PinFile = pinFile, Environment = _token.EnvironmentVariables },
        });
        await d.StartAsync();
        await using var c = await d.ConnectAsync();
        await WaitForAsync(c, s => s.State == HsmOverallState.Connected, Connect, "Connected");
        return d;
    }


}
