using OrleansRealtime.Gateway.Cluster;
using OrleansRealtime.Gateway.Protocol;

namespace OrleansRealtime.Gateway.Connections;

internal sealed partial class Session
{
    /// <summary>
    /// Called by transports that hand out resume tokens (SSE) after writing a frame to the client: a written
    /// message (or stream event) advances its subscription's resume position. Positions move only with what was written, never with
    /// what is merely queued, so a token never claims a message the client did not get.
    /// </summary>
    public void Written(EncodedFrame frame)
    {
        if (frame.Channel is null)
            return;
        if (frame.Type == ServerFrameType.Event)
        {
            StreamWritten(frame);
            return;
        }

        if (frame.Type != ServerFrameType.Message)
            return;
        lock (_subscriptions)
            Advance(_subscriptions, frame);
    }

    /// <summary>Moves the position of the subscription a written frame belongs to. Called under the dictionary's lock.</summary>
    private static void Advance(Dictionary<string, ChannelSubscription> subscriptions, EncodedFrame frame)
    {
        if (subscriptions.TryGetValue(frame.Channel!, out var subscription) && subscription.Position is { } position
            && (frame.Offset > position.Offset || !string.Equals(frame.Epoch, position.Epoch, StringComparison.Ordinal)))
        {
            subscription.Position = new RecoveryPosition(frame.Offset, frame.Epoch);
        }
    }

    /// <summary>The positions of the live subscriptions of a dictionary. Called under its lock.</summary>
    private static List<KeyValuePair<string, RecoveryPosition>> Positions(Dictionary<string, ChannelSubscription> subscriptions) =>
        [.. subscriptions
            .Where(entry => entry.Value.Position is not null)
            .Select(entry => KeyValuePair.Create(entry.Key, entry.Value.Position!.Value))];

    /// <summary>The channels this connection subscribes to (live or still starting), in no particular order.</summary>
    public IReadOnlyList<string> Channels()
    {
        lock (_subscriptions)
            return [.. _subscriptions.Keys];
    }

    /// <summary>A token that resumes every live subscription of this connection where its client is (see <see cref="ResumeToken"/>).</summary>
    public string CreateResumeToken()
    {
        List<KeyValuePair<string, RecoveryPosition>> channels;
        Dictionary<string, string>? filters = null;
        lock (_subscriptions)
        {
            channels = Positions(_subscriptions);
            foreach (var (channel, subscription) in _subscriptions)
            {
                if (subscription.Position is not null && subscription.Filter?.Json is { } filter)
                    (filters ??= new(StringComparer.Ordinal))[channel] = filter;
            }
        }

        return ResumeToken.Encode(channels, StreamPositions(), filters);
    }
}
