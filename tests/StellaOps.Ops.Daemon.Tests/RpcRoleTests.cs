using System.Reflection;
using System.Text.RegularExpressions;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.TestSupport;

namespace StellaOps.Ops.Daemon.Tests;

/// <summary>
/// Who may call what, read from the contracts: every RPC method declares its role, a method whose name says it
/// changes something is never open to readers, and every Operator method has an access test with real Unix users
/// (tests/pester/Access.Tests.ps1): a line a reader is refused, or a named reason why only the RPC-level sweep of
/// that file reaches it. A mutating method that lands without one fails here.
/// </summary>
public sealed partial class RpcRoleTests
{
    /// <summary>Verbs of method names that change state: such a method must need the Operator role.</summary>
    private static readonly string[] ChangingVerbs =
    [
        "Set", "Add", "Remove", "Delete", "Init", "Sync", "Import", "Reset", "Approve", "Revoke", "Fetch", "Generate", "Activate",
        "Create", "Resubmit", "Update", "Publish", "Sign", "Register", "Rotate", "Reload", "Switch", "Retry", "Enable", "Disable",
    ];

    /// <summary>
    /// The Operator methods that were there before the trust and transparency-log work, whose role tests live in
    /// tests/StellaOps.Ops.IntegrationTests (AuthorizationTests, PinChangeTests, HsmSelfTestKeyTests), Pipeline.Tests.ps1,
    /// and the RPC-level sweep of Access.Tests.ps1. Closed: a new Operator method gets its line in Access.Tests.ps1.
    /// </summary>
    private static readonly HashSet<string> CoveredBeforeTrust = new(StringComparer.Ordinal)
    {
        "system.ReloadAsync", "config.SetAsync", "config.ResetAsync", "hsm.ResetAsync", "hsm.SwitchAsync", "hsm.SetPinAsync",
        "keys.GenerateAsync", "keys.ActivateAsync", "keys.RegisterAsync", "keys.RevokeAsync", "keys.PublishAsync", "keys.RotateAsync",
        "signing.SignAsync", "attest.CreateAsync", "attest.RetryAsync",
    };

    private static IEnumerable<(string Rpc, MethodInfo Method)> Methods()
        => RpcContracts.All.SelectMany(c => c.Interface.GetMethods().Select(m => (c.Prefix + m.Name, m)));

    private static CallerRole? RoleOf(MethodInfo m) => m.GetCustomAttribute<RequiresRoleAttribute>()?.Role;

    [Fact]
    public void Every_rpc_method_declares_a_role()
    {
        var missing = Methods().Where(x => RoleOf(x.Method) is null).Select(x => x.Rpc).ToList();
        Assert.True(Methods().Count() > 50, "the contracts were not found");
        Assert.True(missing.Count == 0, "RPC methods without [RequiresRole]: " + string.Join(", ", missing));
    }

    [Fact]
    public void No_method_whose_name_changes_something_is_open_to_readers()
    {
        var open = Methods()
            .Where(x => RoleOf(x.Method) == CallerRole.Reader && ChangingVerbs.Any(v => x.Method.Name.StartsWith(v, StringComparison.Ordinal) && x.Method.Name.Length > v.Length && char.IsUpper(x.Method.Name[v.Length])))
            .Select(x => x.Rpc).ToList();
        Assert.True(open.Count == 0, "Reader methods whose names say they change state (make them Operator, or rename them if they only read): " + string.Join(", ", open));
    }

    [Fact]
    public void Every_operator_method_has_an_access_test_with_real_users()
    {
        var file = Path.Combine(RepositoryRoot.Path, "tests", "pester", "Access.Tests.ps1");
        var text = File.ReadAllText(file);
        var tested = RpcEntry().Matches(text).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        var operators = Methods().Where(x => RoleOf(x.Method) == CallerRole.Operator).Select(x => x.Rpc).ToList();

        var untested = operators.Where(r => !tested.Contains(r) && !CoveredBeforeTrust.Contains(r)).ToList();
        Assert.True(untested.Count == 0,
            "Operator methods with no access test: add each to $script:RefusedLines (a line a reader is refused) or $script:RpcOnlyRefusals (why no line can reach it) in tests/pester/Access.Tests.ps1: "
            + string.Join(", ", untested));
        var unknown = tested.Concat(CoveredBeforeTrust).Where(r => !operators.Contains(r)).ToList();
        Assert.True(unknown.Count == 0, "Access tests name methods that are not Operator methods of any contract (renamed? made Reader?): " + string.Join(", ", unknown));
    }

    [GeneratedRegex(@"@\{\s*Rpc\s*=\s*'([A-Za-z]+\.[A-Za-z]+)'")]
    private static partial Regex RpcEntry();
}
