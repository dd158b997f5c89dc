using Microsoft.Extensions.Options;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Unix;

namespace StellaOps.Ops.Daemon.Ipc;

/// <summary>
/// Peer credentials → role. Operators: root, the daemon's own user, members of an operators group. Readers:
/// members of a readers group. Everyone else: none, refused at connect. Group names are looked up on each
/// decision so a group created after start counts at once.
/// </summary>
public sealed class RoleResolver(IOptionsMonitor<IpcOptions> options)
{
    public CallerIdentity Resolve(int pid, uint uid, uint gid, IReadOnlyList<uint> groups)
    {
        var o = options.CurrentValue;
        var names = new List<string>();
        var role = CallerRole.None;
        if (!OperatingSystem.IsWindows())
        {
            foreach (var g in groups) names.Add(UnixUsers.GroupName(g) ?? g.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (uid == 0 || uid == UnixUsers.GetEffectiveUserId() || InAny(groups, o.OperatorGroups)) role = CallerRole.Operator;
            else if (InAny(groups, o.ReaderGroups)) role = CallerRole.Reader;
        }
        return new CallerIdentity
        {
            ProcessId = pid,
            UserId = (int)uid,
            GroupId = (int)gid,
            UserName = OperatingSystem.IsWindows() ? uid.ToString(System.Globalization.CultureInfo.InvariantCulture) : UnixUsers.UserName(uid) ?? $"uid{uid}",
            Groups = names,
            Role = role,
        };
    }

    /// <summary>What a refused caller is told: who they are and which groups would admit them.</summary>
    public string RefusalMessage(CallerIdentity caller)
    {
        var o = options.CurrentValue;
        string List(List<string> g) => g.Count == 0 ? "(none configured)" : string.Join(", ", g);
        return $"Access denied: user '{caller.UserName}' (uid {caller.UserId}) is not allowed to use the StellaOps daemon. " +
               $"Operators are root and members of {List(o.OperatorGroups)}; readers are members of {List(o.ReaderGroups)}. " +
               $"Ask an administrator to add you to one of them (e.g. 'usermod -aG {(o.ReaderGroups.FirstOrDefault() ?? "<group>")} {caller.UserName}') and log in again.";
    }

    private static bool InAny(IReadOnlyList<uint> groups, List<string> names)
    {
        if (OperatingSystem.IsWindows()) return false;
        foreach (var name in names)
            if (UnixUsers.GroupId(name) is { } gid && groups.Contains(gid)) return true;
        return false;
    }
}
