namespace StellaOps.Ops.Contracts.Rpc;

public enum SettingType { String, Boolean, Integer, Duration, Choice, Path }
