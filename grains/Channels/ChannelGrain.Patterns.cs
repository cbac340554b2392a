using Orleans.Streams;

namespace OrleansRealtime.Channels;

internal sealed partial class ChannelGrain
{
    /// <summary>
    /// Publishes a durable message to the stream of every active pattern this channel matches (usually none: then
    /// this costs a look at the silo's cached pattern list). Gateways subscribed to a pattern receive it once per
    /// pattern; a failure here is logged, and the pattern feed fills the hole from history with the channel's next
    /// message there.
    /// </summary>
    private async Task ForwardToPatternsAsync(ChannelMessage message)
    {
        IReadOnlyList<string> matching;
        try
        {
            matching = await patterns.MatchingAsync(_channel);
        }
        catch (Exception exception)
        {
            LogPatternForwardFailed(logger, exception, _channel, message.Offset, "(registry)");
            return;
        }

        foreach (var pattern in matching)
        {
            try
            {
                await this.GetStreamProvider(StreamNames.Provider)
                    .GetStream<ChannelMessage>(StreamId.Create(StreamNames.Pattern, pattern))
                    .OnNextAsync(message);
            }
            catch (Exception exception)
            {
                LogPatternForwardFailed(logger, exception, _channel, message.Offset, pattern);
            }
        }
    }
}
