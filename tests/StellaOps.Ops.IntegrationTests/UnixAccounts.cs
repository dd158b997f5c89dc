using System.Diagnostics;

namespace StellaOps.Ops.IntegrationTests;

/// <summary>
/// Real Unix users and groups for the role tests, created once (idempotently) with useradd/groupadd.
/// Needs root, as CI has; a clear failure otherwise.
/// </summary>
internal static class UnixAccounts
{
    public const string ReadersGroup = "stit-readers";
    public const string OperatorsGroup = "stit-operators";
    public const string Reader = "stit-reader";
    public const string Operator = "stit-operator";
    public const string Stranger = "stit-stranger";

    private static readonly Lazy<bool> Created = new(CreateAll);

    public static void Ensure()
    {
        if (Environment.UserName != "root")
            throw new InvalidOperationException("The role tests create Unix users and must run as root (CI does).");
        _ = Created.Value;
    }

    private static bool CreateAll()
    {
        foreach (var g in new[] { ReadersGroup, OperatorsGroup })
            if (Run("getent", "group", g) != 0) Must("groupadd", "--system", g);
        foreach (var (user, group) in new[] { (Reader, ReadersGroup), (Operator, OperatorsGroup), (Stranger, (string?)null) })
        {
            if (Run("id", "-u", user) == 0) continue;
            var args = new List<string> { "--system", "--no-create-home", "--shell", "/usr/sbin/nologin" };
            if (group is not null) { args.Add("--groups"); args.Add(group); }
            args.Add(user);
            Must("useradd", [.. args]);
        }
        return true;
    }

    /// <summary>Runs a command as <paramref name="user"/> with that user's groups, like a login would.</summary>
    public static (int ExitCode, string Output) RunAs(string user, string file, params string[] args)
        => RunAs(user, new Dictionary<string, string>(), file, args);

    /// <summary>The same, with extra environment variables.</summary>
    public static (int ExitCode, string Output) RunAs(string user, IReadOnlyDictionary<string, string> environment, string file, params string[] args)
    {
        using var p = StartAs(user, environment, file, args);
        var error = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd() + error.GetAwaiter().GetResult();
        if (!p.WaitForExit(60_000)) { p.Kill(true); throw new TimeoutException($"{file} as {user} hung:\n{output}"); }
        return (p.ExitCode, output);
    }

    /// <summary>Runs a command as <paramref name="user"/> that must succeed (a step of a test's set-up).</summary>
    public static void MustRunAs(string user, string file, params string[] args)
    {
        var (exit, output) = RunAs(user, file, args);
        if (exit != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} as {user} failed with {exit}: {output}");
    }

    /// <summary>Starts a command as <paramref name="user"/> and returns at once; standard output and error are redirected.</summary>
    public static Process StartAs(string user, IReadOnlyDictionary<string, string> environment, string file, params string[] args)
    {
        var psi = new ProcessStartInfo("setpriv") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { $"--reuid={user}", $"--regid={user}", "--init-groups", "--", file }.Concat(args)) psi.ArgumentList.Add(a);
        psi.Environment["HOME"] = "/tmp";
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        return Process.Start(psi)!;
    }

    private static int Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        p.StandardOutput.ReadToEnd();
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode;
    }

    private static void Must(string file, params string[] args)
    {
        var rc = Run(file, args);
        // 9 = the name exists already (a parallel run created it): fine.
        if (rc != 0 && rc != 9) throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed with {rc}");
    }
}
