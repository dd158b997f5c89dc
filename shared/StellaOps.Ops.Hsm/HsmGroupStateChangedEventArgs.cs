namespace StellaOps.Ops.Hsm;

public sealed class HsmGroupStateChangedEventArgs(string groupName, HsmStateTransition<HsmGroupState> transition, HsmMember active) : EventArgs
{
    public string GroupName { get; } = groupName;
    public HsmStateTransition<HsmGroupState> Transition { get; } = transition;
    public HsmMember Active { get; } = active;
}
