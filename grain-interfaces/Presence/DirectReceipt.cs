namespace OrleansRealtime.Presence;

/// <summary>The answer to a direct message.</summary>
/// <param name="Offset">Its offset in the recipient's direct log.</param>
/// <param name="Online">True when the recipient had a live connection (delivered live); false when it waits in the inbox.</param>
[GenerateSerializer, Immutable, Alias("rt.DirectReceipt")]
public sealed record DirectReceipt(
    [property: Id(0)] long Offset,
    [property: Id(1)] bool Online);
