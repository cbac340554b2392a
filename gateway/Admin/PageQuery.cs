using OrleansRealtime.Gateway.Protocol;

namespace OrleansRealtime.Gateway.Admin;

/// <summary>
/// The paging query of the admin API's list routes: <c>?limit=</c> (1 to <see cref="MaxLimit"/>, default
/// <see cref="DefaultLimit"/>) and <c>?after=</c> (the previous page's <c>next</c>; empty means the first page).
/// </summary>
internal readonly record struct PageQuery(int Size, string? After)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    /// <summary>Reads the query values; <c>bad_request</c> for a limit that is not a number in range.</summary>
    public static PageQuery Parse(string? limit, string? after)
    {
        var size = ChannelEndpoints.ParseQueryNumber(limit, nameof(limit), DefaultLimit);
        if (size is < 1 or > MaxLimit)
            throw ProtocolException.BadRequest($"'limit' must be between 1 and {MaxLimit}");
        return new PageQuery((int)size, string.IsNullOrEmpty(after) ? null : after);
    }
}
