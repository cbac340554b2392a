using System.Globalization;
using StackExchange.Redis;

namespace OrleansRealtime.Streams;

/// <summary>
/// Durable streams in Redis (production): events, positions and consumer groups survive silo restarts.
/// </summary>
/// <remarks>
/// <para>Per stream, two keys with the stream id as hash tag (one Redis Cluster slot), and one index:</para>
/// <list type="bullet">
/// <item><c>rt:stream:{id}:meta</c> — hash: the settings (<c>type</c>, <c>bufferSize</c>, <c>flushIntervalMs</c>,
/// <c>maxEvents</c>, <c>maxAgeSeconds</c>), <c>last</c>, the last offset written, and <c>epoch</c>, the incarnation
/// chosen at creation. Its existence is the stream's.</item>
/// <item><c>rt:stream:{id}:log</c> — a Redis Stream, entry ID <c>&lt;offset&gt;-0</c> (reads from an offset are an
/// <c>XRANGE</c>), fields <c>e</c> (event name), <c>d</c> (payload bytes), <c>t</c> (Unix ms). Trimmed with
/// <c>XTRIM MAXLEN</c> and by age; it never expires as a whole, because its consumer groups live in it.</item>
/// <item><c>rt:streams</c> — a set of stream ids for listing. It spans every slot, so it is written beside the
/// scripts, not inside them: created streams are added after their meta key (a create that failed in between is
/// repaired by repeating it), deleted ones removed before their keys.</item>
/// </list>
/// <para>
/// Why native Redis Streams consumer groups rather than a pending list of our own in Lua: <c>XREADGROUP</c>,
/// <c>XAUTOCLAIM</c>, <c>XPENDING</c> and <c>XACK</c> keep the position, the pending list with delivery counts and idle
/// times, and claim-with-increment atomically on the server, in the same key as the events (so they are deleted
/// with it and survive restarts with it), and operators can inspect them with <c>XINFO</c>/<c>XPENDING</c>. The price:
/// idle times are measured on the Redis server's clock, not on the realtime clock, so redelivery after the ack
/// time-out runs on wall-clock time (tests use short time-outs rather than a fake clock). Each group read is one
/// script: trim, create the group if needed, claim idle events, then read new ones.
/// </para>
/// </remarks>
public sealed class RedisStreamStore(IConnectionMultiplexer redis) : IStreamStore
{
    private static readonly RedisKey Index = "rt:streams";
    private static readonly StreamStats Unknown = new(0, 1, 0, []);

    public async ValueTask<StoredStream?> GetAsync(string stream, CancellationToken cancellationToken = default)
    {
        var fields = await Database.HashGetAsync(MetaKey(stream), MetaFields);
        return fields[5].IsNull ? null : ToStored(fields);
    }

    public async ValueTask<(bool Created, StoredStream Stream)> CreateAsync(string stream, StreamSettings settings, CancellationToken cancellationToken = default)
    {
        var retention = settings.Retention;
        var result = await Database.ScriptEvaluateAsync(
            RedisStreamScripts.Create,
            [MetaKey(stream), LogKey(stream)],
            [settings.Type.ToWire(), settings.BufferSize, settings.FlushIntervalMs, retention.MaxEvents, retention.MaxAgeSeconds, History.HistoryEpoch.New()]);
        var parts = (RedisResult[])result!;
        await Database.SetAddAsync(Index, stream);
        return ((int)parts[0] == 1, ToStored(((RedisResult[])parts[1]!).Select(static r => (RedisValue)r).ToArray()));
    }

    public async ValueTask<bool> DeleteAsync(string stream, CancellationToken cancellationToken = default)
    {
        await Database.SetRemoveAsync(Index, stream);
        return await Database.KeyDeleteAsync([MetaKey(stream), LogKey(stream)]) > 0;
    }

    public async ValueTask<IReadOnlyList<StreamListing>> ListAsync(CancellationToken cancellationToken = default)
    {
        var ids = await Database.SetMembersAsync(Index);
        var lookups = ids.Select(id => (Id: (string)id!, Fields: Database.HashGetAsync(MetaKey((string)id!), MetaFields))).ToList();
        await Task.WhenAll(lookups.Select(static l => l.Fields));
        return lookups
            .Where(static l => !l.Fields.Result[5].IsNull)
            .Select(static l => new StreamListing(l.Id, ToStored(l.Fields.Result).Settings))
            .OrderBy(static l => l.Id, StringComparer.Ordinal)
            .ToList();
    }

    public async ValueTask AppendAsync(string stream, IReadOnlyList<StreamEvent> events, RetentionCut cut, CancellationToken cancellationToken = default)
    {
        if (events.Count == 0)
            throw new ArgumentException("An append needs at least one event.", nameof(events));

        var values = new RedisValue[4 + (events.Count * 4)];
        values[0] = events[0].Offset;
        values[1] = events[^1].Offset;
        (values[2], values[3]) = CutValues(cut);
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            values[4 + (i * 4)] = EntryId(e.Offset);
            values[5 + (i * 4)] = e.Event;
            values[6 + (i * 4)] = e.Data;
            values[7 + (i * 4)] = e.TimestampMs;
        }

        var parts = (RedisResult[])(await Database.ScriptEvaluateAsync(RedisStreamScripts.Append, [MetaKey(stream), LogKey(stream)], values))!;
        if ((int)parts[0] == 1)
            return;

        var stored = (string)parts[1]!;
        throw new StreamStoreConflictException(stored.Length == 0
            ? $"Stream '{stream}': append at offset {events[0].Offset} refused; Redis holds no such stream."
            : $"Stream '{stream}': append at offset {events[0].Offset} refused; Redis is at offset {stored}.");
    }

    public async ValueTask<StreamSlice> ReadAsync(string stream, long from, int limit, RetentionCut cut, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        var (maxEvents, cutoff) = CutValues(cut);
        var result = await Database.ScriptEvaluateAsync(
            RedisStreamScripts.Read, [MetaKey(stream), LogKey(stream)], [Math.Max(from, 0), limit, maxEvents, cutoff]);
        var parts = (RedisResult[])result!;
        if (parts.Length == 0)
            throw NotFound(stream);
        return new StreamSlice(ParseLong(parts[0]), ToEvents((RedisResult[])parts[1]!));
    }

    public async ValueTask TrimAsync(string stream, RetentionCut cut, CancellationToken cancellationToken = default)
    {
        var (maxEvents, cutoff) = CutValues(cut);
        await Database.ScriptEvaluateAsync(RedisStreamScripts.TrimOnly, [LogKey(stream)], [maxEvents, cutoff]);
    }

    public async ValueTask<StreamStats> StatsAsync(string stream, CancellationToken cancellationToken = default)
    {
        var parts = (RedisResult[])(await Database.ScriptEvaluateAsync(RedisStreamScripts.Stats, [MetaKey(stream), LogKey(stream)]))!;
        if (parts.Length == 0)
            return Unknown;

        var last = ParseLong(parts[0]);
        var oldest = (string)parts[2]!;
        var groups = ((RedisResult[])parts[3]!).Select(static g =>
        {
            var fields = Fields((RedisResult[])g!);
            return new GroupSummary(
                (string)fields["name"]!, OffsetOf((string)fields["last-delivered-id"]!), ParseLong(fields["pending"]), (int)ParseLong(fields["consumers"]));
        }).OrderBy(static g => g.Name, StringComparer.Ordinal).ToList();
        return new StreamStats(ParseLong(parts[1]), oldest.Length == 0 ? last + 1 : OffsetOf(oldest), last, groups);
    }

    public async ValueTask<IReadOnlyList<GroupDelivery>> ReadGroupAsync(
        string stream, string group, string consumer, int count, TimeSpan ackTimeout, RetentionCut cut, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var (maxEvents, cutoff) = CutValues(cut);
        var result = await Database.ScriptEvaluateAsync(
            RedisStreamScripts.ReadGroup,
            [MetaKey(stream), LogKey(stream)],
            [group, consumer, count, (long)ackTimeout.TotalMilliseconds, maxEvents, cutoff]);
        var parts = (RedisResult[])result!;
        if (parts.Length == 0)
            throw NotFound(stream);

        var claimed = ToEvents((RedisResult[])parts[0]!);
        var counts = (RedisResult[])parts[1]!;
        var fresh = ToEvents((RedisResult[])parts[2]!);
        var deliveries = new List<GroupDelivery>(claimed.Length + fresh.Length);
        for (var i = 0; i < claimed.Length; i++)
            deliveries.Add(new GroupDelivery(claimed[i], (int)counts[i]));
        foreach (var e in fresh)
            deliveries.Add(new GroupDelivery(e, 1));
        return deliveries;
    }

    public async ValueTask<int> AckAsync(string stream, string group, IReadOnlyList<long> offsets, CancellationToken cancellationToken = default)
    {
        if (offsets.Count == 0)
            return 0;
        var ids = offsets.Select(static o => (RedisValue)EntryId(o)).ToArray();
        try
        {
            return (int)await Database.StreamAcknowledgeAsync(LogKey(stream), group, ids);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("NOGROUP", StringComparison.Ordinal))
        {
            return 0;
        }
    }

    public async ValueTask<GroupDescription?> DescribeGroupAsync(string stream, string group, int maxPending, CancellationToken cancellationToken = default)
    {
        var result = await Database.ScriptEvaluateAsync(RedisStreamScripts.DescribeGroup, [MetaKey(stream), LogKey(stream)], [group, maxPending]);
        var parts = (RedisResult[])result!;
        if (parts.Length == 0)
            return null;

        var pending = ((RedisResult[])parts[2]!).Select(static p =>
        {
            var entry = (RedisResult[])p!;
            return new PendingEvent(OffsetOf((string)entry[0]!), (string)entry[1]!, (int)ParseLong(entry[3]), ParseLong(entry[2]));
        }).ToList();
        return new GroupDescription(group, OffsetOf((string)parts[0]!), ParseLong(parts[1]), pending);
    }

    internal static RedisKey MetaKey(string stream) => $"rt:stream:{{{stream}}}:meta";

    internal static RedisKey LogKey(string stream) => $"rt:stream:{{{stream}}}:log";

    private static readonly RedisValue[] MetaFields = ["type", "bufferSize", "flushIntervalMs", "maxEvents", "maxAgeSeconds", "last", "epoch"];

    private IDatabase Database => redis.GetDatabase();

    private static StreamNotFoundException NotFound(string stream) => new($"stream '{stream}' does not exist");

    // The scripts take '' for "no age bound" rather than a sentinel number, which Lua would have to compare as a double.
    private static (RedisValue MaxEvents, RedisValue Cutoff) CutValues(RetentionCut cut) =>
        (cut.MaxEvents, cut.HasAgeBound ? cut.AgeCutoffMs : RedisValue.EmptyString);

    private static StoredStream ToStored(RedisValue[] fields)
    {
        if (!StreamTypes.TryParse(fields[0], out var type))
            throw new InvalidOperationException($"Redis holds an unknown stream type '{fields[0]}'.");
        var settings = new StreamSettings(
            type, (int)fields[1], (int)fields[2], new StreamRetention((long)fields[3], (long)fields[4]));
        // A stream stored before streams had epochs has none: the empty epoch names that one incarnation.
        return new StoredStream(settings, (long)fields[5], fields[6].IsNull ? string.Empty : (string)fields[6]!);
    }

    private static StreamEvent[] ToEvents(RedisResult[] entries)
    {
        var events = new StreamEvent[entries.Length];
        for (var i = 0; i < entries.Length; i++)
        {
            var idAndFields = (RedisResult[])entries[i]!;
            var fields = (RedisResult[])idAndFields[1]!;
            string name = string.Empty;
            byte[] data = [];
            long timestamp = 0;
            for (var f = 0; f + 1 < fields.Length; f += 2)
            {
                switch ((string)fields[f]!)
                {
                    case "e":
                        name = (string)fields[f + 1]!;
                        break;
                    case "d":
                        data = (byte[])fields[f + 1]! ?? [];
                        break;
                    case "t":
                        timestamp = ParseLong(fields[f + 1]);
                        break;
                }
            }

            events[i] = new StreamEvent(OffsetOf((string)idAndFields[0]!), name, data, timestamp);
        }

        return events;
    }

    private static Dictionary<string, RedisResult> Fields(RedisResult[] flat)
    {
        var fields = new Dictionary<string, RedisResult>(flat.Length / 2, StringComparer.Ordinal);
        for (var i = 0; i + 1 < flat.Length; i += 2)
            fields[(string)flat[i]!] = flat[i + 1];
        return fields;
    }

    private static string EntryId(long offset) => offset.ToString(CultureInfo.InvariantCulture) + "-0";

    private static long OffsetOf(string entryId) =>
        long.Parse(entryId.AsSpan(0, entryId.IndexOf('-', StringComparison.Ordinal)), CultureInfo.InvariantCulture);

    private static long ParseLong(RedisResult value) => long.Parse(value.ToString(), CultureInfo.InvariantCulture);
}
