namespace StellaOps.Ops.Hsm;

/// <summary>
/// Returns the user PIN as bytes each time the layer needs to log in. The layer zeroes the returned array after use,
/// so return a fresh array each call. Source it from a 0600 file, an environment variable, a prompt, ….
/// </summary>
public delegate byte[] HsmPinProvider();
