using System.Security.Cryptography;

namespace OrleansRealtime.History;

/// <summary>Creates epochs: opaque, short, and random enough that a lost and recreated log never repeats one.</summary>
internal static class HistoryEpoch
{
    /// <summary>A new epoch: 12 lowercase hex characters (48 random bits).</summary>
    public static string New() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
}
