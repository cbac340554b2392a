using OrleansRealtime.History;

namespace OrleansRealtime.Streams;

/// <summary>
/// The Lua scripts of <see cref="RedisStreamStore"/>, one per operation so each runs atomically on the server. Every
/// script names only the keys of one stream, which share a hash tag and so live on one Redis Cluster node.
/// </summary>
/// <remarks>
/// Offsets travel as decimal strings and are compared with <c>tonumber</c>: Lua numbers are doubles, exact up to 2^53.
/// Age trimming is the history store's (<see cref="RedisHistoryScripts.TrimExpired"/>): entries carry their timestamp
/// in field <c>t</c> there and here.
/// </remarks>
internal static class RedisStreamScripts
{
    private const string Trim = RedisHistoryScripts.TrimExpired + """
        local function trim(log, max_events, cutoff)
          if tonumber(max_events) > 0 then redis.call('XTRIM', log, 'MAXLEN', max_events) end
          if cutoff ~= '' then trim_expired(log, tonumber(cutoff)) end
        end

        """;

    /// <summary>
    /// KEYS: meta, log. ARGV: type, bufferSize, flushIntervalMs, maxEvents, maxAgeSeconds, epoch.
    /// Returns {1 if created else 0, {type, bufferSize, flushIntervalMs, maxEvents, maxAgeSeconds, last, epoch}}.
    /// </summary>
    public const string Create = """
        if redis.call('EXISTS', KEYS[1]) == 1 then
          return {0, redis.call('HMGET', KEYS[1], 'type', 'bufferSize', 'flushIntervalMs', 'maxEvents', 'maxAgeSeconds', 'last', 'epoch')}
        end
        -- A log without its meta is left over from a lost stream: its events and groups must not reappear.
        redis.call('DEL', KEYS[2])
        redis.call('HSET', KEYS[1], 'type', ARGV[1], 'bufferSize', ARGV[2], 'flushIntervalMs', ARGV[3],
          'maxEvents', ARGV[4], 'maxAgeSeconds', ARGV[5], 'last', '0', 'epoch', ARGV[6])
        return {1, {ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], '0', ARGV[6]}}
        """;

    /// <summary>
    /// KEYS: meta, log. ARGV: first offset, last offset, maxEvents, age cutoff ms ('' = none), then per event its
    /// entry id, name, data and timestamp. Returns {1}, or {0, stored last offset or ''} for a conflict.
    /// </summary>
    public const string Append = Trim + """
        local last = redis.call('HGET', KEYS[1], 'last')
        if not last or tonumber(last) + 1 ~= tonumber(ARGV[1]) then return {0, last or ''} end
        for i = 5, #ARGV, 4 do
          redis.call('XADD', KEYS[2], ARGV[i], 'e', ARGV[i + 1], 'd', ARGV[i + 2], 't', ARGV[i + 3])
        end
        redis.call('HSET', KEYS[1], 'last', ARGV[2])
        trim(KEYS[2], ARGV[3], ARGV[4])
        return {1}
        """;

    /// <summary>
    /// KEYS: meta, log. ARGV: from (inclusive), limit, maxEvents, age cutoff ms ('' = none).
    /// Returns {} for a stream that does not exist, else {last offset, entries}.
    /// </summary>
    public const string Read = Trim + """
        local last = redis.call('HGET', KEYS[1], 'last')
        if not last then return {} end
        trim(KEYS[2], ARGV[3], ARGV[4])
        local entries = {}
        if tonumber(ARGV[2]) > 0 then
          entries = redis.call('XRANGE', KEYS[2], ARGV[1] .. '-0', '+', 'COUNT', ARGV[2])
        end
        return {last, entries}
        """;

    /// <summary>KEYS: log. ARGV: maxEvents, age cutoff ms ('' = none).</summary>
    public const string TrimOnly = Trim + """
        trim(KEYS[1], ARGV[1], ARGV[2])
        return 1
        """;

    /// <summary>
    /// KEYS: meta, log. Returns {} for a stream that does not exist, else {last offset, length, id of the oldest
    /// entry or '', XINFO GROUPS}.
    /// </summary>
    public const string Stats = """
        local last = redis.call('HGET', KEYS[1], 'last')
        if not last then return {} end
        if redis.call('EXISTS', KEYS[2]) == 0 then return {last, 0, '', {}} end
        local first = redis.call('XRANGE', KEYS[2], '-', '+', 'COUNT', 1)
        local oldest = ''
        if #first > 0 then oldest = first[1][1] end
        return {last, redis.call('XLEN', KEYS[2]), oldest, redis.call('XINFO', 'GROUPS', KEYS[2])}
        """;

    /// <summary>
    /// KEYS: meta, log. ARGV: group, consumer, count, ack timeout ms, maxEvents, age cutoff ms ('' = none).
    /// Returns {} for a stream that does not exist, else {claimed entries, their delivery counts, new entries}.
    /// </summary>
    /// <remarks>
    /// XAUTOCLAIM scans at most 10 × COUNT pending entries per call; the loop continues from its cursor a few times,
    /// so events idle behind many busy ones are still found, without a read scanning an unbounded pending list.
    /// </remarks>
    public const string ReadGroup = Trim + """
        if redis.call('EXISTS', KEYS[1]) == 0 then return {} end
        trim(KEYS[2], ARGV[5], ARGV[6])
        -- Creates the group on first use; BUSYGROUP (it exists) is the usual, ignored answer.
        redis.pcall('XGROUP', 'CREATE', KEYS[2], ARGV[1], '0', 'MKSTREAM')
        local count = tonumber(ARGV[3])
        local claimed = {}
        local cursor = '0-0'
        for round = 1, 10 do
          local reply = redis.call('XAUTOCLAIM', KEYS[2], ARGV[1], ARGV[2], ARGV[4], cursor, 'COUNT', count - #claimed)
          for _, entry in ipairs(reply[2]) do claimed[#claimed + 1] = entry end
          cursor = reply[1]
          if cursor == '0-0' or #claimed >= count then break end
        end
        local counts = {}
        for i, entry in ipairs(claimed) do
          counts[i] = redis.call('XPENDING', KEYS[2], ARGV[1], entry[1], entry[1], 1)[1][4]
        end
        local fresh = {}
        if #claimed < count then
          local reply = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', count - #claimed, 'STREAMS', KEYS[2], '>')
          if reply then fresh = reply[1][2] end
        end
        return {claimed, counts, fresh}
        """;

    /// <summary>
    /// KEYS: meta, log. ARGV: group, most pending entries to list. Returns {} for an unknown stream or group, else
    /// {last delivered id, pending count, XPENDING entries (id, consumer, idle ms, delivery count)}.
    /// </summary>
    public const string DescribeGroup = """
        if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('EXISTS', KEYS[2]) == 0 then return {} end
        for _, group in ipairs(redis.call('XINFO', 'GROUPS', KEYS[2])) do
          local fields = {}
          for i = 1, #group, 2 do fields[group[i]] = group[i + 1] end
          if fields['name'] == ARGV[1] then
            return {fields['last-delivered-id'], fields['pending'], redis.call('XPENDING', KEYS[2], ARGV[1], '-', '+', ARGV[2])}
          end
        end
        return {}
        """;
}
