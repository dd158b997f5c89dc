using System.Runtime.Versioning;
using StellaOps.Ops.Contracts;
using Tmds.DBus.Protocol;

namespace StellaOps.Ops.PowerShell.Service;

/// <summary>
/// The systemd manager on the system bus (<c>org.freedesktop.systemd1</c>), through Tmds.DBus.Protocol: the few
/// calls the service and scheduled-check cmdlets need (load, start, stop, restart, reload, enable, disable) and the
/// unit properties they report. Tmds.DBus.Protocol rather than Tmds.DBus: it writes and reads messages directly, with
/// no proxy types generated at run time by Reflection.Emit inside the pwsh process, and it is the maintained API.
/// The bus is $DBUS_SYSTEM_BUS_ADDRESS, else /run/dbus/system_bus_socket.
/// </summary>
[UnsupportedOSPlatform("windows")]
internal sealed class SystemdManager : IDisposable
{
    private const string Destination = "org.freedesktop.systemd1";
    private const string ManagerPath = "/org/freedesktop/systemd1";
    private const string ManagerInterface = "org.freedesktop.systemd1.Manager";
    private const string PropertiesInterface = "org.freedesktop.DBus.Properties";
    public const string UnitInterface = "org.freedesktop.systemd1.Unit";
    public const string ServiceInterface = "org.freedesktop.systemd1.Service";
    public const string TimerInterface = "org.freedesktop.systemd1.Timer";
    private const string JobInterface = "org.freedesktop.systemd1.Job";

    private readonly DBusConnection _connection;

    private SystemdManager(DBusConnection connection) => _connection = connection;

    public static SystemdManager Connect(CancellationToken cancellationToken)
    {
        var address = DBusAddress.System;
        if (string.IsNullOrEmpty(address) || !Directory.Exists("/run/systemd/system"))
            throw new OpsException(OpsErrorCode.ServiceManagerUnavailable,
                "systemd is not running here (no /run/systemd/system), so there is no service manager to ask.",
                "org.freedesktop.systemd1", "Run this on the machine whose systemd runs the daemon (not in a container without systemd).");
        var connection = new DBusConnection(address);
        try
        {
            connection.ConnectAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10), cancellationToken).GetAwaiter().GetResult();
            return new SystemdManager(connection);
        }
        catch (Exception ex) when (ex is DBusConnectionException or TimeoutException or IOException or System.Net.Sockets.SocketException)
        {
            connection.Dispose();
            throw new OpsException(OpsErrorCode.ServiceManagerUnavailable,
                $"Cannot reach the system bus at {address}: {ex.Message}",
                address, "Check that dbus is running ('systemctl status dbus.socket dbus.service').");
        }
    }

    public void Dispose() => _connection.Dispose();

    /// <summary>The unit's object path; loads the unit file when systemd has not yet (LoadState then says whether it exists).</summary>
    public ObjectPath LoadUnit(string name) => Call("LoadUnit", "s", (ref MessageWriter w) => w.WriteString(name), (m, _) => m.GetBodyReader().ReadObjectPath());

    public ObjectPath StartUnit(string name) => Call("StartUnit", "ss", (ref MessageWriter w) => { w.WriteString(name); w.WriteString("replace"); }, (m, _) => m.GetBodyReader().ReadObjectPath());
    public ObjectPath StopUnit(string name) => Call("StopUnit", "ss", (ref MessageWriter w) => { w.WriteString(name); w.WriteString("replace"); }, (m, _) => m.GetBodyReader().ReadObjectPath());
    public ObjectPath RestartUnit(string name) => Call("RestartUnit", "ss", (ref MessageWriter w) => { w.WriteString(name); w.WriteString("replace"); }, (m, _) => m.GetBodyReader().ReadObjectPath());

    /// <summary>daemon-reload: systemd reads the unit files again.</summary>
    public void Reload() => Call("Reload", null, null, (_, _) => true);

    /// <summary>Enables unit files (their [Install] symlinks), replacing what is in the way.</summary>
    public void EnableUnitFiles(params string[] names)
        => Call("EnableUnitFiles", "asbb", (ref MessageWriter w) => { w.WriteArray(names); w.WriteBool(false); w.WriteBool(true); }, (_, _) => true);

    public void DisableUnitFiles(params string[] names)
        => Call("DisableUnitFiles", "asb", (ref MessageWriter w) => { w.WriteArray(names); w.WriteBool(false); }, (_, _) => true);

    /// <summary>The names of the unit files matching shell patterns (ListUnitFilesByPatterns), whatever their state.</summary>
    public string[] ListUnitFiles(params string[] patterns)
        => Call("ListUnitFilesByPatterns", "asas", (ref MessageWriter w) => { w.WriteArray(Array.Empty<string>()); w.WriteArray(patterns); }, (m, _) =>
        {
            var reader = m.GetBodyReader();
            var names = new List<string>();
            var end = reader.ReadArrayStart(DBusType.Struct);
            while (reader.HasNext(end))
            {
                reader.AlignStruct();
                names.Add(Path.GetFileName(reader.ReadString()));
                reader.ReadString();
            }
            return names.ToArray();
        });

    /// <summary>Every property of one interface of a unit.</summary>
    public Dictionary<string, VariantValue> GetAll(ObjectPath unit, string @interface)
    {
        using var writer = _connection.GetMessageWriter();
        writer.WriteMethodCallHeader(Destination, unit, PropertiesInterface, "GetAll", "s");
        writer.WriteString(@interface);
        return Wait(_connection.CallMethodAsync(writer.CreateMessage(), (m, _) => m.GetBodyReader().ReadDictionaryOfStringToVariantValue(), null));
    }

    /// <summary>ExecStart of a service: each command's path and argv (systemd's a(sasbttttuii)).</summary>
    public IReadOnlyList<string[]> ExecStart(ObjectPath unit)
    {
        using var writer = _connection.GetMessageWriter();
        writer.WriteMethodCallHeader(Destination, unit, PropertiesInterface, "Get", "ss");
        writer.WriteString(ServiceInterface);
        writer.WriteString("ExecStart");
        return Wait(_connection.CallMethodAsync(writer.CreateMessage(), (m, _) =>
        {
            var reader = m.GetBodyReader();
            reader.ReadSignature("a(sasbttttuii)");
            var commands = new List<string[]>();
            var end = reader.ReadArrayStart(DBusType.Struct);
            while (reader.HasNext(end))
            {
                reader.AlignStruct();
                reader.ReadString();
                commands.Add(reader.ReadArrayOfString());
                reader.ReadBool();
                for (var i = 0; i < 4; i++) reader.ReadUInt64();
                reader.ReadUInt32();
                reader.ReadInt32();
                reader.ReadInt32();
            }
            return (IReadOnlyList<string[]>)commands;
        }, null));
    }

    /// <summary>Waits until the job is gone (finished, failed or cancelled): systemd removes the job object then.</summary>
    public void WaitForJob(ObjectPath job, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                using var writer = _connection.GetMessageWriter();
                writer.WriteMethodCallHeader(Destination, job, PropertiesInterface, "Get", "ss");
                writer.WriteString(JobInterface);
                writer.WriteString("State");
                Wait(_connection.CallMethodAsync(writer.CreateMessage(), (m, _) => m.GetBodyReader().ReadVariantValue(), null));
            }
            catch (OpsException) { return; }
            Thread.Sleep(50);
        }
    }

    private delegate void BodyWriter(ref MessageWriter writer);

    private T Call<T>(string member, string? signature, BodyWriter? body, MessageValueReader<T> reader)
    {
        var writer = _connection.GetMessageWriter();
        try
        {
            writer.WriteMethodCallHeader(Destination, ManagerPath, ManagerInterface, member, signature);
            body?.Invoke(ref writer);
            return Wait(_connection.CallMethodAsync(writer.CreateMessage(), reader, null));
        }
        finally
        {
            writer.Dispose();
        }
    }

    /// <summary>Waits on the pipeline thread; a D-Bus error becomes an <see cref="OpsException"/> that says what systemd said.</summary>
    private static T Wait<T>(Task<T> call)
    {
        try
        {
            return call.WaitAsync(TimeSpan.FromSeconds(60)).GetAwaiter().GetResult();
        }
        catch (DBusErrorReplyException ex)
        {
            var denied = ex.ErrorName is "org.freedesktop.DBus.Error.AccessDenied" or "org.freedesktop.DBus.Error.InteractiveAuthorizationRequired";
            throw new OpsException(denied ? OpsErrorCode.PermissionDenied : OpsErrorCode.ServiceControlFailed,
                denied ? $"systemd refused: {ex.ErrorMessage}" : $"systemd answered {ex.ErrorName}: {ex.ErrorMessage}",
                ex.ErrorName, denied ? "Run it as root (sudo), or as a user polkit allows to manage units." : "See 'systemctl status' and 'journalctl -xe' for the unit.");
        }
        catch (DBusConnectionException ex)
        {
            throw new OpsException(OpsErrorCode.ServiceManagerUnavailable, $"The system bus connection broke: {ex.Message}", "org.freedesktop.systemd1", "Check that dbus is running ('systemctl status dbus.service').");
        }
        catch (TimeoutException)
        {
            throw new OpsException(OpsErrorCode.Timeout, "systemd did not answer within 60 s.", "org.freedesktop.systemd1", "See 'systemctl list-jobs' for jobs that hang.");
        }
    }
}
