namespace StellaOps.Ops.Hsm;

internal sealed record TokenSnapshot(string Label, string Serial, string Model, string Manufacturer, ulong Flags, ulong SlotId);
