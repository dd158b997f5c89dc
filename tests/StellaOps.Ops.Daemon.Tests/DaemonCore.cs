using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StellaOps.Ops.Daemon.Hosting;
using StellaOps.Ops.Daemon.Ipc;
using StellaOps.Ops.Daemon.Keys;
using StellaOps.Ops.Daemon.Observability;
using StellaOps.Ops.Daemon.Settings;
using StellaOps.Ops.Daemon.Signing;
using StellaOps.Ops.Daemon.Storage;

namespace StellaOps.Ops.Daemon.Tests;

/// <summary>
/// The daemon's core without its host: a real SQLite state in a temporary folder, settings with the catalog's
/// defaults, and the key service with software keys, all on an injected clock.
/// </summary>
internal sealed class DaemonCore : IDisposable
{
    private readonly string _dir;

    public DaemonCore(ManualTime time)
    {
        Time = time;
        _dir = Directory.CreateTempSubdirectory("stellaops-core-").FullName;
        var paths = Paths = new DaemonPaths(Options.Create(new DaemonOptions { StateDirectory = _dir }), Options.Create(new IpcOptions { Endpoint = Path.Combine(_dir, "s.sock") }));
        State = new StateStore(paths, NullLogger<StateStore>.Instance);
        State.Initialize();
        var runtime = new RuntimeSettingsSource();
        var config = new ConfigurationBuilder().AddInMemoryCollection(SettingCatalog.Defaults()).Add(runtime).Build();
        KeyStore = new KeyStore(State);
        var usability = new KeyUsability(KeyStore);
        Settings = new SettingsService(config, runtime, State, [new KeySettingValidator(KeyStore, usability, time)], NullLogger<SettingsService>.Instance);
        Settings.Load();
        var hsm = new NoHsmConfigured();
        Selection = new SigningKeySelection(KeyStore, usability, Settings, hsm, time);
        Audit = new AuditLog(new EventStore(State), NullLogger<AuditLog>.Instance);
        Keys = new KeyService(KeyStore, Vault = new SoftwareKeyVault(paths, Audit), hsm, Selection, usability, Settings, paths, Audit, time, NullLogger<KeyService>.Instance);
        Usability = usability;
        Signer = new BatchSigner(Keys, NullLogger<BatchSigner>.Instance);
    }

    public ManualTime Time { get; }
    public DaemonPaths Paths { get; }
    public StateStore State { get; }
    public SettingsService Settings { get; }
    public AuditLog Audit { get; }
    public KeyService Keys { get; }
    public SoftwareKeyVault Vault { get; }
    public KeyStore KeyStore { get; }
    public KeyUsability Usability { get; }
    public SigningKeySelection Selection { get; }
    public BatchSigner Signer { get; }

    public void Dispose()
    {
        State.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
