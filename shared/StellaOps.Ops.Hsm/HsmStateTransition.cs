namespace StellaOps.Ops.Hsm;

/// <summary>One state transition; <paramref name="Reason"/> never holds a PIN.</summary>
public sealed record HsmStateTransition<TState>(DateTimeOffset Timestamp, TState From, TState To, string Reason) where TState : struct, Enum;
