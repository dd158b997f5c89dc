using System.Management.Automation;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.PowerShell;
using StellaOps.Ops.PowerShell.Dispatch;
using LogLevel = StellaOps.Ops.Contracts.Rpc.LogLevel;

namespace StellaOps.Ops.PowerShell.Tests;

public class RunbookCommandLineTests
{
    private static RunbookInvocation Parse(string line) => RunbookCommandLine.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries));

    private static RunbookSyntaxException Fails(string line) => Assert.Throws<RunbookSyntaxException>(() => Parse(line));

    [Theory]
    [InlineData("attest config get signing.key_id", "Get-StellaConfig", "attest.signing.key_id")]
    [InlineData("crypto hsm config get pkcs11.library_path", "Get-StellaConfig", "hsm.pkcs11.library_path")]
    [InlineData("keys config get rotation.auto", "Get-StellaConfig", "keys.rotation.auto")]
    public void ConfigGetPrefixesTheGroup(string line, string cmdlet, string name)
    {
        var r = Parse(line);
        Assert.Equal(cmdlet, r.CommandName);
        Assert.Equal(new[] { name }, (string[])r.Parameters["Name"]!);
    }

    [Theory]
    [InlineData("attest config set signing.mode software", "attest.signing.mode", "software")]
    [InlineData("keys config set rotation.before_expiry 30d", "keys.rotation.before_expiry", "30d")]
    [InlineData("crypto hsm config set session.timeout 300s", "hsm.session.timeout", "300s")]
    public void ConfigSetMapsNameAndValue(string line, string name, string value)
    {
        var r = Parse(line);
        Assert.Equal("Set-StellaConfig", r.CommandName);
        Assert.Equal(name, r.Parameters["Name"]);
        Assert.Equal(value, r.Parameters["Value"]);
        Assert.Equal(true, r.Parameters["PassThru"]);
    }

    [Fact]
    public void LogsFlagsBecomeTypedParameters()
    {
        var r = Parse("attest logs --filter verification --level error --last 30m");
        Assert.Equal("Get-StellaLog", r.CommandName);
        Assert.Equal("Attestor", r.Parameters["Component"]);
        Assert.Equal("verification", r.Parameters["Filter"]);
        Assert.Equal(LogLevel.Error, r.Parameters["Level"]);
        Assert.Equal(TimeSpan.FromMinutes(30), ((Duration)r.Parameters["Last"]!).Value);
        Assert.Equal("Hsm", Parse("crypto hsm logs --last 30m").Parameters["Component"]);
    }

    [Fact]
    public void HsmLinesMapToTheHsmCmdletsWithTheirFixedParameters()
    {
        Assert.Equal(new[] { HsmTestOperation.Ping }, (HsmTestOperation[])Parse("crypto hsm ping").Parameters["Operation"]!);
        Assert.Equal(new[] { HsmTestOperation.Connectivity }, (HsmTestOperation[])Parse("crypto hsm connectivity --verbose").Parameters["Operation"]!);
        Assert.Equal(new[] { HsmTestOperation.Sign }, (HsmTestOperation[])Parse("crypto hsm verify").Parameters["Operation"]!);
        Assert.False(Parse("crypto hsm test").Parameters.ContainsKey("Operation"));
        Assert.True(((SwitchParameter)Parse("crypto hsm pkcs11-info").Parameters["Detailed"]!).IsPresent);
        Assert.False(Parse("crypto hsm pkcs11-status").Parameters.ContainsKey("Detailed"));
        Assert.True(((SwitchParameter)Parse("crypto hsm pkcs11-reload").Parameters["ReloadLibrary"]!).IsPresent);
        Assert.Equal("Reset-StellaHsm", Parse("crypto hsm reconnect").CommandName);
        Assert.False(Parse("crypto hsm reconnect").Parameters.ContainsKey("ReloadLibrary"));
        Assert.Equal(HsmMemberRole.Backup, Parse("crypto hsm failover --to backup").Parameters["To"]);
        Assert.Equal("InvalidFlagValue", Fails("crypto hsm failover --to tertiary").ErrorId);
        var pin = Parse("crypto hsm auth update --slot 0");
        Assert.Equal("Set-StellaHsmPin", pin.CommandName);
        Assert.Equal("0", pin.Parameters["Slot"]);
        Assert.Equal("Test-StellaHsmLogin", Parse("crypto hsm auth verify").CommandName);
        Assert.True(((SwitchParameter)Parse("crypto providers list --algorithms").Parameters["Detailed"]!).IsPresent);
    }

    [Fact]
    public void InlineValuesAndBareBackslashes()
    {
        var r = Parse("attest logs --level=warning \\ --last=1h");
        Assert.Equal(LogLevel.Warning, r.Parameters["Level"]);
        Assert.Equal(TimeSpan.FromHours(1), ((Duration)r.Parameters["Last"]!).Value);
    }

    [Fact]
    public void CommonFlagsBecomeCommonParameters()
    {
        var r = Parse("attest reload --verbose --what-if");
        Assert.Equal("Invoke-StellaReload", r.CommandName);
        Assert.True(((SwitchParameter)r.Parameters["Verbose"]!).IsPresent);
        Assert.True(((SwitchParameter)r.Parameters["WhatIf"]!).IsPresent);
        Assert.Equal("/tmp/s.sock", Parse("attest status --endpoint /tmp/s.sock").Parameters["Endpoint"]);
        Assert.True(((SwitchParameter)Parse("attest reload -WhatIf").Parameters["WhatIf"]!).IsPresent);
    }

    [Fact]
    public void A_switch_given_as_a_script_gives_it_takes_its_value()
    {
        // `stella trust-anchors remove ID -Confirm:$false` reaches the parser as "-Confirm:" and "False".
        var r = RunbookCommandLine.Parse(["trust-anchors", "remove", "0881c3b7842bdd70", "-Confirm:", "False"]);
        Assert.Equal("Remove-StellaTrustAnchor", r.CommandName);
        Assert.False(((SwitchParameter)r.Parameters["Confirm"]!).IsPresent);
        Assert.Equal(new[] { "0881c3b7842bdd70" }, (string[])r.Parameters["Id"]!);
        Assert.True(((SwitchParameter)RunbookCommandLine.Parse(["trust", "sync", "-WhatIf:", "True"]).Parameters["WhatIf"]!).IsPresent);
        Assert.False(((SwitchParameter)RunbookCommandLine.Parse(["trust", "sync", "--force:", "False"]).Parameters["Force"]!).IsPresent);
        Assert.Equal("x.tar.zst", RunbookCommandLine.Parse(["trust", "snapshot", "export", "-out:", "x.tar.zst"]).Parameters["Path"]);
    }

    [Fact]
    public void DoctorCheckTakesOneOrMoreIds()
    {
        Assert.Equal(new[] { "check.attestor.signing-health" }, (string[])Parse("doctor --check check.attestor.signing-health").Parameters["Check"]!);
        Assert.Equal(new[] { "a", "b" }, (string[])Parse("doctor --check a,b").Parameters["Check"]!);
        Assert.False(Parse("doctor").Parameters.ContainsKey("Check"));
    }

    [Fact]
    public void UnknownCommandNamesTheClosest()
    {
        var e = Fails("attest relaod");
        Assert.Equal("UnknownCommand", e.ErrorId);
        Assert.Equal("stella attest reload", e.Suggestion);
        Assert.Contains("stella attest reload", e.Message);
        Assert.Equal("stella doctor", Fails("docter").Suggestion);
        Assert.Equal(ErrorCategory.ObjectNotFound, Fails("docter").ToErrorRecord().CategoryInfo.Category);
    }

    [Fact]
    public void AWordCloseToNothingListsTheCommandGroupsInsteadOfAFarMatch()
    {
        var e = Fails("nonsense");
        Assert.Equal("UnknownCommand", e.ErrorId);
        Assert.Null(e.Suggestion);
        Assert.Null(e.ToErrorRecord().ErrorDetails);
        Assert.DoesNotContain("closest", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("The command groups are: attest, crypto, doctor, issuer, keys, rekor, trust, trust-anchors, verify", e.Message);

        var inGroup = Fails("attest frobnicate");
        Assert.Null(inGroup.Suggestion);
        Assert.Contains("After 'stella attest' comes one of: ", inGroup.Message);
        Assert.Contains("integrity-check", inGroup.Message);
        Assert.Contains("test-sign", inGroup.Message);
    }

    [Fact]
    public void AFlagCloseToNothingGetsTheUsageNotAFarMatch()
    {
        var e = Fails("attest logs --zebra-crossing red");
        Assert.Equal("UnknownFlag", e.ErrorId);
        Assert.Null(e.Suggestion);
        Assert.DoesNotContain("closest", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Usage: stella attest logs [--level <value>]", e.Message);
    }

    [Fact]
    public void UnknownFlagNamesTheClosest()
    {
        var e = Fails("attest logs --levle error");
        Assert.Equal("UnknownFlag", e.ErrorId);
        Assert.Equal("--level", e.Suggestion);
        Assert.Equal("Did you mean '--level'?", e.ToErrorRecord().ErrorDetails.RecommendedAction);
    }

    [Fact]
    public void TheTransparencyLogLinesAreWired()
    {
        Assert.Equal("Reset-StellaTrustCircuit", Parse("trust reset-circuits").CommandName);
        var q = Parse("rekor query --after 2026-01-20T00:00:00Z --before 2026-01-25T00:00:00Z --key-id compromised-key-id");
        Assert.Equal("Search-StellaRekor", q.CommandName);
        Assert.Equal(DateTimeOffset.Parse("2026-01-20T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture), q.Parameters["After"]);
        Assert.Equal("compromised-key-id", q.Parameters["KeyId"]);
        Assert.DoesNotContain(RunbookGrammar.Commands, c => c.PlannedCmdlet is not null);
    }

    [Fact]
    public void RekorQueryReadsTheLogsWithLogBackendStartIndexAndMaxEntries()
    {
        var q = Parse("rekor query --after 2026-01-20T00:00:00Z --before 2026-01-25T00:00:00Z --log --backend http://127.0.0.1:3000/ --start-index 2000 --max-entries 50");
        Assert.Equal("Search-StellaRekor", q.CommandName);
        Assert.Equal(new SwitchParameter(true), q.Parameters["Log"]);
        Assert.Equal("http://127.0.0.1:3000/", q.Parameters["Backend"]);
        Assert.Equal(2000L, q.Parameters["StartIndex"]);
        Assert.Equal(50, q.Parameters["MaxEntries"]);
        // Without them the cmdlet's own defaults decide (the daemon chooses where to begin).
        var plain = Parse("rekor query --after 2026-01-20T00:00:00Z --before 2026-01-25T00:00:00Z --log");
        Assert.False(plain.Parameters.ContainsKey("StartIndex"));
        Assert.False(plain.Parameters.ContainsKey("MaxEntries"));
        Assert.Equal("InvalidFlagValue", Fails("rekor query --after 2026-01-20T00:00:00Z --before 2026-01-25T00:00:00Z --log --start-index -1").ErrorId);
        Assert.Equal("InvalidFlagValue", Fails("rekor query --after 2026-01-20T00:00:00Z --before 2026-01-25T00:00:00Z --log --start-index ten").ErrorId);
        Assert.Equal("--log", Fails("rekor query --lgo").Suggestion);
    }

    [Fact]
    public void HelpAfterTheWordsAnswersTheCommandsFlagsAndRunsNothing()
    {
        var help = Parse("rekor query --help");
        Assert.Null(help.CommandName);
        Assert.Empty(help.Parameters);
        Assert.StartsWith("Usage: stella rekor query [--after <value>] [--before <value>]", help.Help, StringComparison.Ordinal);
        Assert.Contains("Runs Search-StellaRekor:", help.Help, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^  --log\s+-Log$", help.Help);
        Assert.Matches(@"(?m)^  --backend <value>\s+-Backend$", help.Help);
        Assert.Matches(@"(?m)^  --start-index <value>\s+-StartIndex$", help.Help);
        Assert.EndsWith("Full help: Get-Help Search-StellaRekor -Full", help.Help, StringComparison.Ordinal);
        // Anywhere after the words, whatever else the line holds (a value that would not parse included).
        Assert.Equal(help.Help, Parse("rekor query --after yesterday --help").Help);
        Assert.Contains("(always)", Parse("crypto hsm pkcs11-reload --help").Help, StringComparison.Ordinal);
        // Before a command is named it is no command's help.
        Assert.Equal("IncompleteCommand", Fails("rekor --help").ErrorId);
    }

    [Theory]
    [InlineData("attest config set signing.mode", "MissingArgument")]
    [InlineData("attest status extra", "UnexpectedArgument")]
    [InlineData("attest logs --level", "MissingFlagValue")]
    [InlineData("attest logs --level loud", "InvalidFlagValue")]
    [InlineData("attest logs --last soon", "InvalidFlagValue")]
    [InlineData("attest config", "IncompleteCommand")]
    [InlineData("", "IncompleteCommand")]
    public void MalformedLinesFail(string line, string errorId) => Assert.Equal(errorId, Fails(line).ErrorId);

    [Theory]
    [InlineData("error", LogLevel.Error)]
    [InlineData("warn", LogLevel.Warning)]
    [InlineData("info", LogLevel.Information)]
    [InlineData("CRITICAL", LogLevel.Critical)]
    public void LevelWords(string word, LogLevel level) => Assert.Equal(level, RunbookGrammar.ParseLevel(word));

    [Theory]
    [InlineData("60s", 60)]
    [InlineData("30m", 1800)]
    [InlineData("7d", 604800)]
    [InlineData("1h30m", 5400)]
    public void DurationsInRunbookForm(string text, int seconds)
        => Assert.Equal(TimeSpan.FromSeconds(seconds), ((Duration)RunbookGrammar.ParseDuration(text)).Value);

    /// <summary>The runbook lines (placeholders filled) that this release wires, verbatim.</summary>
    [Theory]
    [InlineData("stella attest status")]
    [InlineData("stella attest reload")]
    [InlineData("stella attest config get signing.key_id")]
    [InlineData("stella attest config set signing.key_id k-123")]
    [InlineData("stella attest config set signing.mode software")]
    [InlineData("stella attest logs --filter verification --level error --last 30m")]
    [InlineData("stella attest logs --level error --last 30m")]
    [InlineData("stella attest test-sign")]
    [InlineData("stella attest test-sign --verbose")]
    [InlineData("stella attest create --type test --subject test:verification")]
    [InlineData("stella attest create --type test --subject test:key-rotation")]
    [InlineData("stella attest create --subject sha256:0000000000000000000000000000000000000000000000000000000000000000 --type test --force")]
    [InlineData("stella attest retry --failed --last 1h")]
    [InlineData("stella attest resign 0123456789abcdef")]
    [InlineData("stella attest show 0123456789abcdef")]
    [InlineData("stella attest show 0123456789abcdef --details")]
    [InlineData("stella attest integrity-check 0123456789abcdef")]
    [InlineData("stella crypto hsm config get pkcs11.library_path")]
    [InlineData("stella crypto hsm config set session.keepalive true")]
    [InlineData("stella crypto hsm config set session.keepalive_interval 60s")]
    [InlineData("stella crypto hsm config set session.timeout 300s")]
    [InlineData("stella crypto hsm logs --last 30m")]
    [InlineData("stella crypto hsm logs --level error --last 30m")]
    [InlineData("stella crypto hsm status")]
    [InlineData("stella crypto hsm test")]
    [InlineData("stella crypto hsm pkcs11-status")]
    [InlineData("stella crypto hsm ping")]
    [InlineData("stella crypto hsm slots list")]
    [InlineData("stella crypto hsm reconnect")]
    [InlineData("stella crypto hsm failover --to backup")]
    [InlineData("stella crypto hsm connectivity --verbose")]
    [InlineData("stella crypto hsm auth verify")]
    [InlineData("stella crypto hsm auth update --slot 0")]
    [InlineData("stella crypto hsm pkcs11-reload")]
    [InlineData("stella crypto hsm pkcs11-info")]
    [InlineData("stella crypto hsm verify")]
    [InlineData("stella crypto providers list --algorithms")]
    [InlineData("stella keys config set alerts.expiring_days 30")]
    [InlineData("stella keys config set alerts.expiring_days_critical 7")]
    [InlineData("stella keys config set rotation.auto true")]
    [InlineData("stella keys config set rotation.before_expiry 30d")]
    [InlineData("stella keys config set rotation.overlap_days 14")]
    [InlineData("stella doctor --check check.attestor.signing-health")]
    [InlineData("stella doctor --check check.crypto.hsm-availability")]
    public void WiredRunbookLinesParse(string line)
    {
        var r = Parse(line["stella ".Length..]);
        Assert.NotNull(r.CommandName);
    }

    [Fact]
    public void EveryWiredCmdletExistsInTheModule()
    {
        var cmdlets = typeof(StellaCmdlet).Assembly.GetTypes()
            .Select(t => t.GetCustomAttributes(typeof(CmdletAttribute), false).OfType<CmdletAttribute>().FirstOrDefault())
            .Where(a => a is not null)
            .Select(a => $"{a!.VerbName}-{a.NounName}")
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var spec in RunbookCommandLine.All.Where(s => s.Cmdlet is not null))
            Assert.Contains(spec.Cmdlet!, cmdlets);
        foreach (var spec in RunbookCommandLine.All.Where(s => s.Cmdlet is null))
            Assert.False(string.IsNullOrEmpty(spec.PlannedCmdlet));
    }
}
