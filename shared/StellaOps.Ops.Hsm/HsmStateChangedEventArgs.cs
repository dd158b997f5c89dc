namespace StellaOps.Ops.Hsm;

public sealed class HsmStateChangedEventArgs(string hsmName, HsmStateTransition<HsmConnectionState> transition) : EventArgs
{
    public string HsmName { get; } = hsmName;
    public HsmStateTransition<HsmConnectionState> Transition { get; } = transition;
}
