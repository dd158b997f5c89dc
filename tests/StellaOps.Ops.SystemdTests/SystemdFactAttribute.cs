namespace StellaOps.Ops.SystemdTests;

/// <summary>A fact that needs the systemd namespace; skipped, with the reason, only where the script or systemd is absent.</summary>
public sealed class SystemdFactAttribute : FactAttribute
{
    public SystemdFactAttribute()
    {
        if (SystemdNamespace.Unavailable is { } reason) Skip = reason;
    }
}
