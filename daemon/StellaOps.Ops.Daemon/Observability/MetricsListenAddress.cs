using System.Globalization;
using System.Net;
using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Daemon.Observability;

/// <summary>
/// The <c>metrics.listen</c> address (<c>127.0.0.1:9464</c>, <c>[::1]:9464</c>, <c>localhost:9464</c>) and the one rule
/// about it: the metrics carry key ids and failure reasons, so they are served on a loopback address only, unless
/// <c>metrics.allow_non_loopback</c> says otherwise.
/// </summary>
public sealed record MetricsListenAddress(string Host, int Port, bool IsLoopback)
{
    public const string ListenSetting = "metrics.listen";
    public const string AllowNonLoopbackSetting = "metrics.allow_non_loopback";

    /// <summary>The prefix prometheus-net's server (HttpListener) listens on; an unspecified address listens on every one.</summary>
    public string ListenerHost => IPAddress.TryParse(Host, out var ip) && (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any)) ? "+"
        : Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host;

    public string Url => $"http://{(Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host)}:{Port}/metrics";

    /// <summary>Parses and checks a value; an empty value is no endpoint (null). Throws <see cref="OpsException"/> naming both settings.</summary>
    public static MetricsListenAddress? Parse(string? value, bool allowNonLoopback)
    {
        var text = value?.Trim() ?? "";
        if (text.Length == 0) return null;
        OpsException Invalid(string why) => new(OpsErrorCode.InvalidSetting,
            $"'{text}' is not a valid value for {ListenSetting}: {why}.", ListenSetting,
            $"Use host:port with a loopback host, e.g. 'stella attest config set {ListenSetting} 127.0.0.1:9464', or leave it empty to serve no metrics.");

        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1) throw Invalid("use host:port");
        var host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']')) host = host[1..^1];
        else if (host.Contains(':', StringComparison.Ordinal)) throw Invalid("write an IPv6 address in brackets, e.g. [::1]:9464");
        if (!int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            throw Invalid("the port must be a number from 1 to 65535");
        if (host.Length == 0 || host.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c is '/' or '@' or '?' or '#'))
            throw Invalid("the host must be an IP address or a host name");

        var loopback = string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
                       || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
        if (!loopback && !allowNonLoopback)
            throw new OpsException(OpsErrorCode.InvalidSetting,
                $"{ListenSetting} '{text}' is not a loopback address: the metrics endpoint has no authentication and serves key ids and failure reasons, so it listens on loopback only unless {AllowNonLoopbackSetting} is true.",
                ListenSetting,
                $"Use a loopback address (127.0.0.1:{port} or [::1]:{port}) and let a local Prometheus or a proxy with authentication reach it; or, knowing the risk, set {AllowNonLoopbackSetting} to true first.");
        return new MetricsListenAddress(host, port, loopback);
    }
}
