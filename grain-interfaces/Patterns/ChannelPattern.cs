using OrleansRealtime.Channels;

namespace OrleansRealtime.Patterns;

/// <summary>
/// Subscription patterns over channel names: segments as in <see cref="ChannelName"/>, where a segment <c>*</c>
/// matches exactly one segment and a last segment <c>&gt;</c> matches one or more trailing segments. A pattern has at
/// least one wildcard (a name without one is a channel). <c>metrics.*</c> matches <c>metrics.cpu</c> but not
/// <c>metrics.cpu.core0</c>; <c>metrics.&gt;</c> matches both, and neither matches <c>metrics</c>.
/// </summary>
public static class ChannelPattern
{
    public static bool IsValid(ReadOnlySpan<char> pattern)
    {
        if (pattern.IsEmpty || pattern.Length > ChannelName.MaxLength)
            return false;

        var wildcard = false;
        var rest = pattern;
        while (true)
        {
            var dot = rest.IndexOf('.');
            var segment = dot < 0 ? rest : rest[..dot];
            if (segment is "*")
            {
                wildcard = true;
            }
            else if (segment is ">")
            {
                // '>' only as the last segment.
                if (dot >= 0)
                    return false;
                wildcard = true;
            }
            else if (!ChannelName.IsValid(segment))
            {
                return false;
            }

            if (dot < 0)
                return wildcard;
            rest = rest[(dot + 1)..];
        }
    }

    /// <summary>True when <paramref name="channel"/> matches the (valid) <paramref name="pattern"/>.</summary>
    public static bool Matches(ReadOnlySpan<char> pattern, ReadOnlySpan<char> channel)
    {
        while (true)
        {
            var patternDot = pattern.IndexOf('.');
            var segment = patternDot < 0 ? pattern : pattern[..patternDot];
            if (segment is ">")
                return !channel.IsEmpty;
            if (channel.IsEmpty)
                return false;

            var channelDot = channel.IndexOf('.');
            var name = channelDot < 0 ? channel : channel[..channelDot];
            if (segment is not "*" && !segment.SequenceEqual(name))
                return false;

            if (patternDot < 0)
                return channelDot < 0;
            if (channelDot < 0)
                return false;
            pattern = pattern[(patternDot + 1)..];
            channel = channel[(channelDot + 1)..];
        }
    }
}
