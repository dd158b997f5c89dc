namespace StellaOps.Ops.Daemon.Settings;

/// <summary>
/// A capability's check of a value beyond its type (e.g. attest.signing.key_id must name a usable key).
/// Throw an OpsException to refuse; the value is then neither stored nor applied.
/// </summary>
public interface ISettingValidator
{
    void Validate(SettingDefinition setting, string normalizedValue);
}
