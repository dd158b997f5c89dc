using System.ComponentModel.DataAnnotations;
using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Daemon.Ipc;

/// <summary>The local endpoint and who may use it.</summary>
public sealed class IpcOptions
{
    public const string Section = "Ipc";

    /// <summary>Socket path (Linux) or pipe name (Windows). Empty: the mode's default.</summary>
    public string Endpoint { get; set; } = "";

    /// <summary>Group that owns the socket file (the access gate); empty to leave the daemon's own group.</summary>
    public string SocketGroup { get; set; } = "";

    /// <summary>Octal permission bits of the socket file.</summary>
    [RegularExpression("^0?[0-7]{3}$")]
    public string SocketMode { get; set; } = "0660";

    /// <summary>Octal permission bits of the socket's directory, set when the daemon creates it.</summary>
    [RegularExpression("^0?[0-7]{3}$")]
    public string DirectoryMode { get; set; } = "0750";

    /// <summary>Members may change things. Root and the daemon's own user are always operators.</summary>
    public List<string> OperatorGroups { get; set; } = [];

    /// <summary>Members may only read.</summary>
    public List<string> ReaderGroups { get; set; } = [];

    [Range(1024, 256 * 1024 * 1024)]
    public int MaxMessageBytes { get; set; } = Protocol.DefaultMaxMessageBytes;

    /// <summary>Largest answer the daemon sends; a bigger one is replaced by a LimitExceeded error.</summary>
    [Range(64 * 1024, 1024 * 1024 * 1024)]
    public int MaxAnswerBytes { get; set; } = Protocol.DefaultMaxAnswerBytes;

    [Range(1, 10_000)]
    public int MaxConnections { get; set; } = 64;

    /// <summary>Connections one user may have open at once (root and the daemon's own user: only MaxConnections applies).</summary>
    [Range(1, 10_000)]
    public int MaxConnectionsPerUser { get; set; } = 16;

    /// <summary>Of MaxConnections, how many readers leave to operators (at most half), so readers can never lock root out.</summary>
    [Range(0, 10_000)]
    public int ReservedOperatorConnections { get; set; } = 8;

    /// <summary>Refused connections (strangers, callers over a limit) answered at once; more are closed unanswered. They never count against MaxConnections.</summary>
    [Range(0, 1_000)]
    public int MaxRefusedConnections { get; set; } = 8;

    /// <summary>A new connection must have sent its first complete request within this long.</summary>
    public Duration FirstRequestTimeout { get; set; } = Duration.Parse("10s");

    /// <summary>Once a message has started, the client must send the rest (and read an answer) within this much waiting.</summary>
    public Duration FrameTimeout { get; set; } = Duration.Parse("10s");

    /// <summary>A connection with no request in flight and no traffic for this long is closed (the module reconnects by itself).</summary>
    public Duration IdleTimeout { get; set; } = Duration.Parse("10m");

    /// <summary>The longest any single request may run before it is cancelled.</summary>
    public Duration RequestTimeout { get; set; } = Duration.Parse("10m");

    /// <summary>
    /// A refused caller's connection is closed after this long even if it sends nothing. Long enough for a client that
    /// starts slowly on a loaded machine to send its handshake and be told why (5 s was not: it saw only a closed
    /// connection); refused connections are capped by MaxRefusedConnections, so waiting costs little.
    /// </summary>
    public Duration RefusedLinger { get; set; } = Duration.Parse("30s");
}
