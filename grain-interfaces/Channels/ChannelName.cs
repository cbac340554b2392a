namespace OrleansRealtime.Channels;

/// <summary>
/// The one rule for channel (and room) names: 1 to <see cref="MaxLength"/> characters, dot-separated segments
/// that are never empty, each made of ASCII letters, digits and <c>_ - : @ = + / # ~</c>. <c>*</c> and <c>&gt;</c> are
/// reserved for patterns; whitespace, quotes and control characters are never part of a name.
/// </summary>
public static class ChannelName
{
    public const int MaxLength = 255;

    public static bool IsValid(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || name.Length > MaxLength)
            return false;

        var segmentLength = 0;
        foreach (var c in name)
        {
            if (c == '.')
            {
                if (segmentLength == 0)
                    return false;
                segmentLength = 0;
                continue;
            }

            if (!IsNameChar(c))
                return false;
            segmentLength++;
        }

        return segmentLength > 0;
    }

    private static bool IsNameChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or ':' or '@' or '=' or '+' or '/' or '#' or '~';
}
