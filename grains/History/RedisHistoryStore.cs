using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansRealtime.Channels;
using OrleansRealtime.Hosting;
using StackExchange.Redis;
using ChannelMessage = OrleansRealtime.Channels.ChannelMessage;

namespace OrleansRealtime.History;

/// <summary>
/// History in Redis (production): survives silo restarts, so a reactivated channel continues its offsets and epoch.
/// </summary>
/// <remarks>
/// <para>Per channel, two keys with the channel as hash tag (one Redis Cluster slot):</para>
/// <list type="bullet">
/// <item><c>rt:{channel}:meta</c> — hash <c>epoch</c>, <c>top</c>. It never expires: after an idle period longer than
/// the TTL, a client that is up to date still recovers with nothing to replay.</item>
/// <item><c>rt:{channel}:log</c> — a Redis Stream, entry ID <c>&lt;offset&gt;-0</c> (the offset is the ID, so reads
/// after an offset are an exclusive <c>XRANGE</c>), fields <c>t</c> (Unix ms), <c>d</c> (payload bytes), <c>p</c>
/// (priority byte), <c>f</c> (publisher, absent for server publications) and <c>e</c> (event name, absent when none). Capped by <c>MAXLEN</c>, trimmed by age on
/// every operation, and expired as a whole TTL after its last append.</item>
/// </list>
/// <para>
/// Every operation is one Lua script (<see cref="RedisHistoryScripts"/>), hence atomic. StackExchange.Redis sends a
/// script's body once per connection and its SHA (<c>EVALSHA</c>) afterwards, resending the body if the server lost it.
/// A flushed Redis loses the meta key: the next append reports a conflict, and the channel reopens with a new epoch.
/// </para>
/// </remarks>
public sealed class RedisHistoryStore(
    IConnectionMultiplexer redis,
    IOptions<HistoryOptions> options,
    [FromKeyedServices(RealtimeServiceKeys.Clock)] TimeProvider clock) : IHistoryStore
{
    private static readonly HistorySlice Unknown = new(string.Empty, 0, 1, []);
    private readonly HistoryOptions _options = options.Value;

    public async ValueTask<ChannelPosition> OpenAsync(string channel, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var result = await Database.ScriptEvaluateAsync(
            RedisHistoryScripts.Open, [MetaKey(channel), LogKey(channel)], [HistoryEpoch.New()]);
        var parts = (RedisResult[])result!;
        return new ChannelPosition(ParseLong(parts[1]), (string)parts[0]!);
    }

    public ValueTask AppendAsync(ChannelMessage message, CancellationToken cancellationToken = default) =>
        AppendBatchAsync([message], cancellationToken);

    public async ValueTask AppendBatchAsync(IReadOnlyList<ChannelMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfZero(messages.Count);
        cancellationToken.ThrowIfCancellationRequested();
        var first = messages[0];
        var values = new RedisValue[5 + 5 * messages.Count];
        (values[0], values[1], values[2], values[3], values[4]) =
            (first.Epoch, first.Offset, _options.Size, ExpiryCutoff(), _options.TtlSeconds * 1000L);
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            if (message.Epoch != first.Epoch || message.Offset != first.Offset + i)
                throw new ArgumentException($"A batch must hold consecutive offsets of one epoch; offset {message.Offset} is at index {i}.", nameof(messages));

            var at = 5 + 5 * i;
            (values[at], values[at + 1], values[at + 2], values[at + 3], values[at + 4]) =
                (message.Data, message.TimestampMs, (int)message.Priority, message.From ?? string.Empty, message.Event ?? string.Empty);
        }

        var channel = first.Channel;
        var result = await Database.ScriptEvaluateAsync(RedisHistoryScripts.Append, [MetaKey(channel), LogKey(channel)], values);
        var parts = (RedisResult[])result!;
        if ((int)parts[0] == 1)
            return;

        var storedEpoch = (string)parts[1]!;
        throw new HistoryConflictException(storedEpoch.Length == 0
            ? $"Channel '{channel}': append of offset {first.Offset} in epoch '{first.Epoch}' refused; Redis holds no log for it (lost or flushed)."
            : $"Channel '{channel}': append of offset {first.Offset} in epoch '{first.Epoch}' refused; Redis is at offset {(string)parts[2]!} in epoch '{storedEpoch}'.");
    }

    public async ValueTask<HistorySlice> ReadAsync(string channel, long after, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        cancellationToken.ThrowIfCancellationRequested();
        var result = await Database.ScriptEvaluateAsync(
            RedisHistoryScripts.Read, [MetaKey(channel), LogKey(channel)], [Math.Max(after, 0), limit, ExpiryCutoff()]);
        var parts = (RedisResult[])result!;
        if (parts.Length == 0)
            return Unknown;

        var epoch = (string)parts[0]!;
        var top = ParseLong(parts[1]);
        var oldestId = (string)parts[2]!;
        var oldest = oldestId.Length == 0 ? top + 1 : OffsetOf(oldestId);
        var entries = (RedisResult[])parts[3]!;
        var messages = new ChannelMessage[entries.Length];
        for (var i = 0; i < entries.Length; i++)
            messages[i] = ToMessage(channel, epoch, entries[i]);

        return new HistorySlice(epoch, top, oldest, messages);
    }

    public async ValueTask<int> CountAsync(string channel, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var result = await Database.ScriptEvaluateAsync(RedisHistoryScripts.Count, [LogKey(channel)], [ExpiryCutoff()]);
        return (int)result;
    }

    internal static RedisKey MetaKey(string channel) => $"rt:{{{channel}}}:meta";

    internal static RedisKey LogKey(string channel) => $"rt:{{{channel}}}:log";

    private IDatabase Database => redis.GetDatabase();

    // The scripts take '' for "no TTL" rather than a sentinel number, which Lua would have to compare as a double.
    private RedisValue ExpiryCutoff() =>
        _options.TtlSeconds == 0 ? RedisValue.EmptyString : _options.ExpiryCutoffMs(clock);

    private static ChannelMessage ToMessage(string channel, string epoch, RedisResult entry)
    {
        var idAndFields = (RedisResult[])entry!;
        var fields = (RedisResult[])idAndFields[1]!;
        byte[] data = [];
        string? from = null;
        string? eventName = null;
        long timestamp = 0;
        var priority = MessagePriority.Normal;
        for (var i = 0; i + 1 < fields.Length; i += 2)
        {
            var value = fields[i + 1];
            switch ((string)fields[i]!)
            {
                case "d":
                    data = (byte[])value! ?? [];
                    break;
                case "t":
                    timestamp = ParseLong(value);
                    break;
                case "p":
                    priority = (MessagePriority)ParseLong(value);
                    break;
                case "f":
                    from = (string)value!;
                    break;
                case "e":
                    eventName = (string)value!;
                    break;
            }
        }

        return new ChannelMessage(channel, OffsetOf((string)idAndFields[0]!), epoch, data, from, timestamp, priority, eventName);
    }

    private static long OffsetOf(string entryId) =>
        long.Parse(entryId.AsSpan(0, entryId.IndexOf('-', StringComparison.Ordinal)), CultureInfo.InvariantCulture);

    private static long ParseLong(RedisResult value) => long.Parse((string)value!, CultureInfo.InvariantCulture);
}
