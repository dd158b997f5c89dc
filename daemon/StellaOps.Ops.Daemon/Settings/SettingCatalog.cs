namespace StellaOps.Ops.Daemon.Settings;

/// <summary>
/// Every runtime setting the daemon knows, in one list. A capability adds its settings here; the built-in
/// defaults layer of the configuration is made from this list, so a default is written exactly once.
/// </summary>
public static class SettingCatalog
{
    public const string SoftwareSigningWarning =
        "Software signing may not meet compliance requirements: signatures are made with keys kept on the daemon's disk, not in the HSM. " +
        "Switch back with 'stella attest config set signing.mode hsm' as soon as the HSM is available.";

    public static IReadOnlyList<SettingDefinition> All { get; } =
    [
        // Attestor (runbooks: signature generation failures, signing key expired)
        SettingDefinition.Text("attest.signing.key_id", "Attest:Signing:KeyId", "",
            "Id of the key the attestor signs with; empty means the active signing key."),
        SettingDefinition.Choice("attest.signing.mode", "Attest:Signing:Mode", "hsm",
            "Where signing keys live: hsm (PKCS#11 token) or software (temporary fallback, encrypted keys on disk).", "hsm", "software")
            with { WarningFor = v => v == "software" ? SoftwareSigningWarning : null },

        // HSM (runbook: HSM connection issues)
        SettingDefinition.Duration("hsm.session.timeout", "Hsm:Session:Timeout", "30s",
            "Deadline of every PKCS#11 call: a hung HSM fails the call after this long instead of hanging the daemon.", minimum: "1s"),
        SettingDefinition.Boolean("hsm.session.keepalive", "Hsm:Session:Keepalive", true,
            "Probe the HSM session with a real token operation so idle sessions are kept and failures are found early."),
        SettingDefinition.Duration("hsm.session.keepalive_interval", "Hsm:Session:KeepaliveInterval", "60s",
            "Time between keep-alive probes.", minimum: "1s"),
        SettingDefinition.FilePath("hsm.pkcs11.library_path", "Hsm:Pkcs11:LibraryPath",
            OperatingSystem.IsWindows() ? "" : "/usr/lib/softhsm/libsofthsm2.so",
            "PKCS#11 module of the primary HSM; applied by 'stella crypto hsm pkcs11-reload' (Reset-StellaHsm -ReloadLibrary)."),

        // Keys (runbook: signing key expired)
        SettingDefinition.Boolean("keys.rotation.auto", "Keys:Rotation:Auto", false,
            "Replace a signing key automatically when it comes within keys.rotation.before_expiry of its expiry."),
        SettingDefinition.Duration("keys.rotation.before_expiry", "Keys:Rotation:BeforeExpiry", "30d",
            "How long before expiry an automatic rotation happens."),
        SettingDefinition.Integer("keys.rotation.overlap_days", "Keys:Rotation:OverlapDays", 14,
            "Days a rotated-out key stays valid for verification after its replacement is active.", 0, 3650),
        SettingDefinition.Integer("keys.alerts.expiring_days", "Keys:Alerts:ExpiringDays", 30,
            "Warn when an active key expires within this many days.", 0, 3650),
        SettingDefinition.Integer("keys.alerts.expiring_days_critical", "Keys:Alerts:ExpiringDaysCritical", 7,
            "Raise a critical alert when an active key expires within this many days.", 0, 3650),

        // Issuers (runbook: attestation verification failures)
        SettingDefinition.Integer("issuers.approval.required", "Issuers:Approval:Required", 1,
            "Different operators who must approve an issuer (stella issuer trust) before it is trusted; 2 or more is a two-person rule.", 1, 10),
        SettingDefinition.Text("issuers.local.id", "Issuers:Local:Id", "local",
            "The issuer id this daemon's issuer document (stella issuer keys publish) names."),
        SettingDefinition.Text("issuers.fetch.proxy", "Issuers:Fetch:Proxy", "system",
            "How 'stella issuer keys fetch' reaches an http(s) issuer directory: system (the system proxy: HTTPS_PROXY, HTTP_PROXY, NO_PROXY), none (direct), or a proxy URL such as http://proxy.example:3128."),
        SettingDefinition.FilePath("issuers.fetch.ca_bundle", "Issuers:Fetch:CaBundle", "",
            "A PEM file of CA certificates that an https issuer directory's certificate must chain to, instead of the system's roots; empty: the system's roots."),

        // Trust sync (runbook: TUF repository and trust)
        SettingDefinition.Duration("trust.refresh_interval", "Trust:RefreshInterval", "1h",
            "Time between TUF refreshes (jittered by up to 10%); after a failure the next try comes sooner, backing off from 30s up to this interval.", minimum: "1m"),
        SettingDefinition.Duration("trust.stale_max_age", "Trust:StaleMaxAge", "0s",
            "The --allow-stale grant ('stella trust sync --allow-stale --max-age 7d' sets it; 0s: none): while the TUF repository gives no fresh metadata, expired metadata is served while its age since the last good refresh is within this, loudly (status, doctor). A good refresh ends it."),

        // The daemon itself
        SettingDefinition.Duration("ipc.request_timeout", "Ipc:RequestTimeout", "10m",
            "The longest a single request may run before the daemon cancels it.", minimum: "1s"),
        SettingDefinition.Integer("ipc.max_connections", "Ipc:MaxConnections", 64,
            "Connections served at once; further ones are refused at accept. Readers leave the last Ipc:ReservedOperatorConnections (8) to operators.", 1, 10_000),
        SettingDefinition.Integer("ipc.max_connections_per_user", "Ipc:MaxConnectionsPerUser", 16,
            "Connections one user may have open at once (root and the daemon's own user are bound only by ipc.max_connections).", 1, 10_000),
        SettingDefinition.Duration("ipc.idle_timeout", "Ipc:IdleTimeout", "10m",
            "A connection with no request in flight and no traffic for this long is closed; the module reconnects by itself.", minimum: "1s"),
        SettingDefinition.Duration("log.retention", "Daemon:LogRetention", "30d",
            "How long log events are kept in the event table (audit events are kept).", minimum: "1h"),

        // Monitoring: the Prometheus endpoint (scripts/monitoring/ has the alert rules and the dashboard)
        SettingDefinition.Text("metrics.listen", "Metrics:Listen", "",
            "host:port to serve Prometheus metrics on (http://host:port/metrics), e.g. 127.0.0.1:9464; empty serves none. Loopback only unless metrics.allow_non_loopback.")
            with { AppliesLive = false },
        SettingDefinition.Boolean("metrics.allow_non_loopback", "Metrics:AllowNonLoopback", false,
            "Let metrics.listen name an address other than loopback. The endpoint has no authentication and shows key ids and failure reasons.")
            with { AppliesLive = false },
    ];

    public static SettingDefinition? Find(string name)
        => All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The built-in defaults layer (config key → default).</summary>
    public static IEnumerable<KeyValuePair<string, string?>> Defaults()
        => All.Select(d => new KeyValuePair<string, string?>(d.ConfigKey, d.DefaultValue));
}
