using System.Diagnostics;
using System.Text;

namespace StellaOps.Ops.SystemdTests;

/// <summary>
/// One pwsh process inside the namespace, as root, with the module imported once, that runs script after script
/// (pwsh starts slowly on a busy machine; a fresh process per step would dominate the suite's time). Each script
/// runs in its own scope with $ErrorActionPreference = 'Stop'; its output comes back as text with whether it threw.
/// </summary>
public sealed partial class PwshSession : IDisposable
{
    private readonly Process _process;
    private readonly string _marker = "##done-" + Guid.NewGuid().ToString("N");

    public PwshSession(SystemdNamespace ns, string modulePath)
    {
        var psi = new ProcessStartInfo(SystemdNamespace.ScriptPath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "run", ns.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "env", "-C", TestSupport.RepositoryRoot.Path,
                     "dotnet", "pwsh", "-NoLogo", "-NoProfile", "-NonInteractive", "-Command", "-" })
            psi.ArgumentList.Add(a);
        _process = Process.Start(psi)!;
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        var (failed, output) = Run($"$global:ErrorActionPreference = 'Stop'; $global:ProgressPreference = 'SilentlyContinue'; $PSStyle.OutputRendering = 'PlainText'; Import-Module '{modulePath}'");
        if (failed) throw new InvalidOperationException("pwsh could not import the module in the namespace:\n" + output);
    }

    /// <summary>Runs one script; returns whether it threw (a terminating error) and everything it wrote, formatted.</summary>
    public (bool Failed, string Output) Run(string script)
    {
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(script));
        // One line per script: pwsh reading commands from stdin runs them line by line.
        _process.StandardInput.WriteLine(
            "try { & ([scriptblock]::Create([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('" + encoded + "')))) *>&1 | Out-String -Width 4096 | ForEach-Object { [Console]::Out.Write($_) }; $__failed = 0 } " +
            "catch { [Console]::Out.Write(($_ | Out-String -Width 4096)); $__failed = 1 }; [Console]::Out.WriteLine(''); [Console]::Out.WriteLine('" + _marker + " ' + $__failed); [Console]::Out.Flush()");
        _process.StandardInput.Flush();
        var output = new StringBuilder();
        var sw = Stopwatch.StartNew();
        while (true)
        {
            var read = _process.StandardOutput.ReadLineAsync();
            if (!read.Wait(TimeSpan.FromMinutes(3)) || read.Result is null)
                throw new InvalidOperationException($"pwsh in the namespace stopped answering after {sw.Elapsed}:\n{script}\n---\n{output}");
            // The console host writes terminal mode switches (ESC[?1h) even to a pipe: not part of any output.
            var line = TerminalControl().Replace(read.Result, "");
            if (line.StartsWith(_marker, StringComparison.Ordinal)) return (line.EndsWith(" 1", StringComparison.Ordinal), output.ToString());
            output.AppendLine(line);
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\x1b\[[0-9;?]*[A-Za-z]")]
    private static partial System.Text.RegularExpressions.Regex TerminalControl();

    public void Dispose()
    {
        try
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(10_000)) _process.Kill(true);
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
    }
}
