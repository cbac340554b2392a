namespace OrleansRealtime.Channels;

/// <summary>
/// Channel patterns: dot-separated segments where <c>*</c> stands for exactly one segment and a final <c>&gt;</c> for
/// one or more trailing segments (<c>metrics.*</c> matches <c>metrics.cpu</c>; <c>metrics.&gt;</c> also matches
/// <c>metrics.cpu.core0</c>; neither matches <c>metrics</c>). A pattern without wildcards matches only itself. The
/// same rules serve pattern subscriptions and the patterns of a token's <c>channels</c>, <c>publish</c> and
/// <c>rooms</c> claims.
/// </summary>
public static class ChannelPattern
{
    public static bool IsValid(string pattern)
    {
        if (pattern.Length is 0 or > ChannelName.MaxLength)
            return false;

        var segments = pattern.Split('.');
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            if (segment == ">" ? i != segments.Length - 1 : segment != "*" && !ChannelName.IsValid(segment))
                return false;
        }

        return true;
    }

    /// <summary>True when <paramref name="channel"/> is one of the channels <paramref name="pattern"/> stands for.</summary>
    public static bool Matches(string pattern, string channel)
    {
        var p = pattern.AsSpan();
        var c = channel.AsSpan();
        while (true)
        {
            var patternSegment = NextSegment(ref p, out var patternMore);
            if (patternSegment is ">")
                return !c.IsEmpty;
            if (c.IsEmpty)
                return false;

            var channelSegment = NextSegment(ref c, out var channelMore);
            if (!(patternSegment is "*" || patternSegment.SequenceEqual(channelSegment)))
                return false;
            if (!patternMore || !channelMore)
                return patternMore == channelMore;
        }
    }

    /// <summary>
    /// True when every channel <paramref name="pattern"/> matches is also matched by <paramref name="grant"/> (used to
    /// authorize a pattern subscription against granted patterns).
    /// </summary>
    public static bool Covers(string grant, string pattern)
    {
        var g = grant.AsSpan();
        var p = pattern.AsSpan();
        while (true)
        {
            var grantSegment = NextSegment(ref g, out var grantMore);
            if (grantSegment is ">")
                return !p.IsEmpty;
            if (p.IsEmpty)
                return false;

            var patternSegment = NextSegment(ref p, out var patternMore);
            var covered = grantSegment is "*" ? patternSegment is not ">" : patternSegment.SequenceEqual(grantSegment);
            if (!covered)
                return false;
            if (!grantMore || !patternMore)
                return grantMore == patternMore;
        }
    }

    private static ReadOnlySpan<char> NextSegment(ref ReadOnlySpan<char> rest, out bool more)
    {
        var dot = rest.IndexOf('.');
        more = dot >= 0;
        var segment = more ? rest[..dot] : rest;
        rest = more ? rest[(dot + 1)..] : [];
        return segment;
    }
}
