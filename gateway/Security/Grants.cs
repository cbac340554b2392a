using System.Security.Claims;
using OrleansRealtime.Channels;

namespace OrleansRealtime.Gateway.Security;

/// <summary>
/// What a user may do, from the token's claims: <c>channels</c> (patterns one may subscribe to and read history of),
/// <c>publish</c> (patterns one may publish to), <c>rooms</c> (patterns one may join), <c>streams</c>
/// (patterns of durable streams one may follow live), and <c>role: admin</c> (everything, and the REST admin API). A claim is a JSON array of patterns or one string of patterns separated
/// by spaces or commas. A missing claim grants nothing. Anonymous users (a development mode) may do everything
/// but administration.
/// </summary>
internal sealed class Grants
{
    public static readonly Grants Anonymous = new([">"], [">"], [">"], [">"], isAdmin: false);

    private readonly string[] _channels;
    private readonly string[] _publish;
    private readonly string[] _rooms;
    private readonly string[] _streams;

    private Grants(string[] channels, string[] publish, string[] rooms, string[] streams, bool isAdmin)
    {
        _channels = channels;
        _publish = publish;
        _rooms = rooms;
        _streams = streams;
        IsAdmin = isAdmin;
    }

    public bool IsAdmin { get; }

    public static Grants FromClaims(IEnumerable<Claim> claims)
    {
        var list = claims as IList<Claim> ?? [.. claims];
        var isAdmin = Values(list, "role").Contains("admin", StringComparer.Ordinal) || Values(list, ClaimTypes.Role).Contains("admin", StringComparer.Ordinal);
        return new Grants(Patterns(list, "channels"), Patterns(list, "publish"), Patterns(list, "rooms"), Patterns(list, "streams"), isAdmin);
    }

    public bool CanSubscribe(string channelOrPattern) => IsAdmin || Allows(_channels, channelOrPattern);

    public bool CanPublish(string channel) => IsAdmin || Allows(_publish, channel);

    public bool CanJoin(string room) => IsAdmin || Allows(_rooms, room);

    /// <summary>
    /// Whether the user may follow a durable stream live. Streams are backend data with names of their own, so their own
    /// claim governs them: a <c>channels</c> grant (say, <c>&gt;</c> for a chat) never opens a stream.
    /// </summary>
    public bool CanFollowStream(string stream) => IsAdmin || Allows(_streams, stream);

    private static bool Allows(string[] grants, string name)
    {
        foreach (var grant in grants)
        {
            if (ChannelPattern.Covers(grant, name))
                return true;
        }

        return false;
    }

    private static string[] Patterns(IList<Claim> claims, string type) =>
        [.. Values(claims, type).Where(ChannelPattern.IsValid)];

    /// <summary>Every value of a claim: JSON arrays arrive as one claim per element; strings may list several.</summary>
    private static IEnumerable<string> Values(IList<Claim> claims, string type) =>
        claims.Where(c => c.Type == type).SelectMany(c => c.Value.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
