namespace OrleansRealtime.Gateway.Cluster;

/// <summary>A client's <c>since</c>: the last offset it saw, and the epoch that offset belongs to (null if it sent none).</summary>
internal readonly record struct RecoveryPosition(long Offset, string? Epoch);
