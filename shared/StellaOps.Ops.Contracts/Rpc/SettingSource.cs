namespace StellaOps.Ops.Contracts.Rpc;

public enum SettingSource { Default, File, Environment, CommandLine, Runtime }
