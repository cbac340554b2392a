using OrleansRealtime.Gateway.Cluster;
using OrleansRealtime.Gateway.Protocol;

namespace OrleansRealtime.Gateway.Connections;

internal sealed partial class Session
{
    /// <summary>
    /// Called by transports that hand out resume tokens (SSE) after writing a frame to the client: a written
    /// message advances its subscription's resume position. Positions move only with what was written, never with
    /// what is merely queued, so a token never claims a message the client did not get.
    /// </summary>
    public void Written(EncodedFrame frame)
    {
        if (frame.Type != ServerFrameType.Message || frame.Channel is not { } channel)
            return;

        lock (_subscriptions)
        {
            if (_subscriptions.TryGetValue(channel, out var subscription) && subscription.Position is { } position
                && (frame.Offset > position.Offset || !string.Equals(frame.Epoch, position.Epoch, StringComparison.Ordinal)))
            {
                subscription.Position = new RecoveryPosition(frame.Offset, frame.Epoch);
            }
        }
    }

    /// <summary>The channels this connection subscribes to (live or still starting), in no particular order.</summary>
    public IReadOnlyList<string> Channels()
    {
        lock (_subscriptions)
            return [.. _subscriptions.Keys];
    }

    /// <summary>A token that resumes every live subscription of this connection where its client is (see <see cref="ResumeToken"/>).</summary>
    public string CreateResumeToken()
    {
        lock (_subscriptions)
        {
            return ResumeToken.Encode(_subscriptions
                .Where(entry => entry.Value.Position is not null)
                .Select(entry => (entry.Key, entry.Value.Position!.Value, entry.Value.Filter?.Json)));
        }
    }
}
