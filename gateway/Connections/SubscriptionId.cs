using System.Buffers.Text;
using System.Text;
using OrleansRealtime.Channels;

namespace OrleansRealtime.Gateway.Connections;

/// <summary>
/// Ids of subscriptions on the admin API (<c>/api/subscriptions</c>): base64url of the connection id, the kind
/// (channel or pattern) and the name. A connection holds at most one subscription per channel and per pattern, so
/// the id is stable (the same subscription always has the same id) and needs no table to keep in step across
/// gateways: the connection id it carries routes a command to the gateway holding the connection. It is as hard to
/// guess as the connection id (128 random bits), and only the admin API accepts it anyway.
/// </summary>
internal static class SubscriptionId
{
    private const char Separator = '\n';

    public static string ForChannel(string connectionId, string channel) => Encode(connectionId, SubscriptionKind.Channel, channel);

    public static string ForPattern(string connectionId, string pattern) => Encode(connectionId, SubscriptionKind.Pattern, pattern);

    /// <summary>Reads an id; false for anything this gateway did not hand out (the caller answers <c>not_found</c>).</summary>
    public static bool TryParse(string id, out string connectionId, out SubscriptionKind kind, out string name)
    {
        (connectionId, kind, name) = (string.Empty, default, string.Empty);
        if (id.Length == 0 || id.Length > 1024)
            return false;

        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Base64Url.DecodeFromChars(id));
        }
        catch (FormatException)
        {
            return false;
        }

        var parts = text.Split(Separator);
        if (parts is not [{ Length: > 0 } connection, { Length: 1 } tag, { } rest])
            return false;

        (connectionId, name) = (connection, rest);
        switch (tag[0])
        {
            case 'c' when ChannelName.IsValid(rest):
                kind = SubscriptionKind.Channel;
                return true;
            case 'p' when ChannelPattern.IsValid(rest):
                kind = SubscriptionKind.Pattern;
                return true;
            default:
                return false;
        }
    }

    private static string Encode(string connectionId, SubscriptionKind kind, string name) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
            string.Concat(connectionId, Separator.ToString(), kind == SubscriptionKind.Channel ? "c" : "p", Separator.ToString(), name)));
}
