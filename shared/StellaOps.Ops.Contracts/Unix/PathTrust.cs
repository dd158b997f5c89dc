using System.Runtime.Versioning;

namespace StellaOps.Ops.Contracts.Unix;

/// <summary>
/// Decides whether a path can be relied on: nobody but the trusted owners (root and whoever the caller names) can
/// have put it there or can swap it, or anything above it, afterwards. Walks the path from <c>/</c> with lstat
/// semantics: every directory on the way must be owned by a trusted owner and not writable by group or others,
/// except a root-owned sticky directory above the target (<c>/tmp</c>: others may add entries there but cannot
/// rename or remove ours). A symbolic link on the way is followed only if a trusted owner made it; the target itself
/// is never a link unless the caller allows links (shared libraries: <c>libfoo.so → libfoo.so.2</c>).
/// One check for the daemon (socket directory, state, keys, PKCS#11 modules) and the client.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class PathTrust
{
    private const int MaxLinks = 32;
    private readonly uint[] _owners;

    /// <param name="owners">Users besides root whose files and directories count as safe.</param>
    public PathTrust(params uint[] owners) => _owners = [0, .. owners.Where(u => u != 0).Distinct()];

    /// <summary>Root and the effective user of this process.</summary>
    public static PathTrust ForThisProcess() => new(UnixUsers.GetEffectiveUserId());

    /// <summary>Root only: for code the process will run (PKCS#11 modules).</summary>
    public static PathTrust RootOnly { get; } = new();

    /// <summary>"root" or "root or alice": who may own the paths, for messages.</summary>
    public string Owners => string.Join(" or ", _owners.Select(u => UnixUsers.UserName(u) ?? $"uid {u}"));

    /// <summary>A directory and everything above it; a missing directory is a problem.</summary>
    public PathTrustProblem? CheckDirectory(string path) => Walk(path, Target.Directory, secret: false, followLinks: false, mustExist: true);

    /// <summary>
    /// A file (or socket) that may not exist yet, and its directories. When it exists it must be one, not a link,
    /// owned by a trusted owner and not writable by others; <paramref name="secret"/>: not readable by them either.
    /// </summary>
    public PathTrustProblem? CheckFile(string path, bool secret = false) => Walk(path, Target.File, secret, followLinks: false, mustExist: false);

    /// <summary>An existing regular file reached through links made by trusted owners, each checked on the way.</summary>
    public PathTrustProblem? CheckFileFollowingLinks(string path) => Walk(path, Target.File, secret: false, followLinks: true, mustExist: true);

    private enum Target { Directory, File }

    private PathTrustProblem? Walk(string path, Target target, bool secret, bool followLinks, bool mustExist)
    {
        var remaining = new Queue<string>(Split(Path.GetFullPath(path)));
        var current = "/";
        var links = 0;
        if (CheckDirectoryOnTheWay("/", UnixFileStatus.Of("/")!.Value) is { } rootProblem) return rootProblem;
        while (remaining.TryDequeue(out var name))
        {
            var next = current == "/" ? "/" + name : current + "/" + name;
            var isTarget = remaining.Count == 0;
            if (UnixFileStatus.Of(next) is not { } st)
                return mustExist ? new PathTrustProblem(next, PathTrustProblem.DoesNotExist, "Create it, or correct the path.") : null;

            if (st.Kind == UnixFileKind.SymbolicLink)
            {
                var linkTarget = new FileInfo(next).LinkTarget ?? "?";
                if (isTarget && !followLinks)
                    return new PathTrustProblem(next, $"is a symbolic link (to {linkTarget}), not a real {(target == Target.Directory ? "directory" : "file")}",
                        $"Find out who made it and why, remove it ('rm -- {next}') and start again: a link lets whoever controls its target see or replace what is put there.");
                if (!Trusted(st.UserId))
                    return new PathTrustProblem(next, $"is a symbolic link (to {linkTarget}) owned by {UnixUsers.Describe(st.UserId)}, not by {Owners}",
                        $"Find out who made it and why; remove it ('rm -- {next}') or use the real path.");
                if (++links > MaxLinks) return new PathTrustProblem(path, "has too many levels of symbolic links", "Use the real path.");
                var resolved = Path.GetFullPath(linkTarget, current);
                var rest = remaining.ToArray();
                remaining = new Queue<string>(Split(resolved).Concat(rest));
                current = "/";
                continue;
            }

            if (!Trusted(st.UserId))
                return new PathTrustProblem(next, $"is owned by {UnixUsers.Describe(st.UserId)}, not by {Owners}",
                    $"Find out who created it and why. Then remove it ('rm -rf -- {next}') so that it is made anew, or give it to a trusted owner: 'chown {UnixUsers.UserName(_owners[^1]) ?? "root"} {next}'.");

            if (!isTarget)
            {
                if (CheckDirectoryOnTheWay(next, st) is { } problem) return problem;
                current = next;
                continue;
            }

            var expected = target == Target.Directory ? UnixFileKind.Directory : UnixFileKind.RegularFile;
            if (st.Kind != expected && !(target == Target.File && st.Kind == UnixFileKind.Socket))
                return new PathTrustProblem(next, $"is a {Describe(st.Kind)}, not a {Describe(expected)}", "Remove it or use another path.");
            if (st.WritableByOthers)
                return new PathTrustProblem(next, $"is writable by group or others (mode {st.OctalMode})", $"Remove their write permission: 'chmod go-w {next}'.");
            if (secret && st.AccessibleByOthers)
                return new PathTrustProblem(next, $"is readable by group or others (mode {st.OctalMode})",
                    $"Run 'chmod 600 {next}'; if anyone else may have read it, treat what it protects as disclosed.");
            return null;
        }
        return null;
    }

    private PathTrustProblem? CheckDirectoryOnTheWay(string path, UnixFileStatus st)
    {
        if (st.Kind != UnixFileKind.Directory)
            return new PathTrustProblem(path, $"is a {Describe(st.Kind)}, not a directory", "Correct the path.");
        if (!Trusted(st.UserId))
            return new PathTrustProblem(path, $"is owned by {UnixUsers.Describe(st.UserId)}, not by {Owners}", "Use a path whose directories belong to root or to you.");
        // /tmp: anyone may add entries, but the sticky bit keeps them from renaming or removing ours.
        if (st.WritableByOthers && !(st.IsSticky && st.UserId == 0))
            return new PathTrustProblem(path, $"is writable by group or others (mode {st.OctalMode}): they could replace what is below it",
                $"Remove their write permission ('chmod go-w {path}') or use a path below a directory only you or root can change.");
        return null;
    }

    private bool Trusted(uint uid) => Array.IndexOf(_owners, uid) >= 0;

    private static string[] Split(string fullPath) => fullPath.Split('/', StringSplitOptions.RemoveEmptyEntries);

    private static string Describe(UnixFileKind kind) => kind switch
    {
        UnixFileKind.Directory => "directory",
        UnixFileKind.RegularFile => "regular file",
        UnixFileKind.SymbolicLink => "symbolic link",
        UnixFileKind.Socket => "socket",
        _ => "special file",
    };
}
