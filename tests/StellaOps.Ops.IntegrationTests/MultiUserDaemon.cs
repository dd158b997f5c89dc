namespace StellaOps.Ops.IntegrationTests;

/// <summary>
/// A real daemon that every local user can reach (socket 0666 in a 0755 directory), with the test groups as its
/// readers and operators, so that the daemon's own checks are what a test exercises; and the probe copied where
/// the test users can run it.
/// </summary>
internal static class MultiUserDaemon
{
    public static async Task<(DaemonProcess Daemon, ProbeClient Probe)> StartAsync(IReadOnlyDictionary<string, string>? settings = null)
    {
        UnixAccounts.Ensure();
        var root = Directory.CreateTempSubdirectory("stellaops-users-").FullName;
        File.SetUnixFileMode(root, (UnixFileMode)Convert.ToInt32("755", 8));
        var all = new Dictionary<string, string>
        {
            ["Ipc:SocketMode"] = "0666",
            ["Ipc:DirectoryMode"] = "0755",
            ["Ipc:ReaderGroups:0"] = UnixAccounts.ReadersGroup,
            ["Ipc:OperatorGroups:0"] = UnixAccounts.OperatorsGroup,
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string>()) all[k] = v;
        var daemon = new DaemonProcess(root, all);
        await daemon.StartAsync();
        return (daemon, ProbeClient.CopyTo(root));
    }
}
