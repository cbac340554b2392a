namespace OrleansRealtime.History;

/// <summary>
/// The Lua scripts of <see cref="RedisHistoryStore"/>, one per operation so each runs atomically on the server.
/// Every script names both keys of a channel, which share a hash tag and so live on one Redis Cluster node.
/// </summary>
/// <remarks>
/// Offsets travel as decimal strings and are compared with <c>tonumber</c>: Lua numbers are doubles, exact up to 2^53.
/// </remarks>
internal static class RedisHistoryScripts
{
    // Expiry trims a prefix of the log: everything before the first entry younger than the cutoff. The first look
    // reads only two entries because an append usually expires at most one; a long idle period is cleared in batches.
    internal const string TrimExpired = """
        local function timestamp(entry)
          local fields = entry[2]
          for i = 1, #fields, 2 do
            if fields[i] == 't' then return tonumber(fields[i + 1]) end
          end
          return 0
        end

        local function trim_expired(log, cutoff)
          local batch = 2
          while true do
            local head = redis.call('XRANGE', log, '-', '+', 'COUNT', batch)
            if #head == 0 then return end
            for _, entry in ipairs(head) do
              if timestamp(entry) > cutoff then
                redis.call('XTRIM', log, 'MINID', entry[1])
                return
              end
            end
            -- The whole batch expired. IDs are '<offset>-0', so '<offset>-1' is just past the batch's last entry.
            local last = head[#head][1]
            redis.call('XTRIM', log, 'MINID', string.sub(last, 1, -2) .. '1')
            if #head < batch then return end
            batch = 128
          end
        end

        """;

    /// <summary>KEYS: meta, log. ARGV: the epoch to create when the channel has none. Returns {epoch, top}.</summary>
    public const string Open = """
        if redis.call('HSETNX', KEYS[1], 'epoch', ARGV[1]) == 1 then
          redis.call('HSET', KEYS[1], 'top', '0')
          -- A log without its meta is left over from a lost epoch: its entries must not appear in the new one.
          redis.call('DEL', KEYS[2])
          return {ARGV[1], '0'}
        end
        local meta = redis.call('HMGET', KEYS[1], 'epoch', 'top')
        return {meta[1], meta[2] or '0'}
        """;

    /// <summary>
    /// Appends a batch of consecutive messages. KEYS: meta, log. ARGV: epoch, offset of the first message, max length,
    /// expiry cutoff ms ('' = no TTL), TTL ms, then five values per message: data, timestamp ms, priority, publisher
    /// ('' = none), event name ('' = none). Returns {1}, or {0, stored epoch, stored top} for a conflict (nothing is
    /// written), which includes a meta key that is gone (the writer must reopen and start a new epoch).
    /// </summary>
    public const string Append = TrimExpired + """
        local meta = redis.call('HMGET', KEYS[1], 'epoch', 'top')
        local top = tonumber(meta[2])
        local first = tonumber(ARGV[2])
        if meta[1] ~= ARGV[1] or top == nil or top + 1 ~= first then
          return {0, meta[1] or '', meta[2] or ''}
        end
        local count = (#ARGV - 5) / 5
        for i = 0, count - 1 do
          local at = 6 + i * 5
          local fields = {'t', ARGV[at + 1], 'd', ARGV[at], 'p', ARGV[at + 2]}
          if ARGV[at + 3] ~= '' then
            fields[#fields + 1] = 'f'
            fields[#fields + 1] = ARGV[at + 3]
          end
          if ARGV[at + 4] ~= '' then
            fields[#fields + 1] = 'e'
            fields[#fields + 1] = ARGV[at + 4]
          end
          redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[3], string.format('%d-0', first + i), unpack(fields))
        end
        redis.call('HSET', KEYS[1], 'top', string.format('%d', first + count - 1))
        if ARGV[4] ~= '' then
          trim_expired(KEYS[2], tonumber(ARGV[4]))
          -- Once the newest entry has expired the whole log has: let Redis drop it. The meta key never expires, so a
          -- client that is up to date still recovers (with nothing to replay) after an idle period.
          redis.call('PEXPIRE', KEYS[2], ARGV[5])
        end
        return {1}
        """;

    /// <summary>
    /// KEYS: meta, log. ARGV: after (exclusive), limit, expiry cutoff ms ('' = no TTL).
    /// Returns {} for a channel without meta, else {epoch, top, id of the oldest retained entry or '', entries}.
    /// </summary>
    public const string Read = TrimExpired + """
        local meta = redis.call('HMGET', KEYS[1], 'epoch', 'top')
        if not meta[1] then return {} end
        if ARGV[3] ~= '' then trim_expired(KEYS[2], tonumber(ARGV[3])) end
        local first = redis.call('XRANGE', KEYS[2], '-', '+', 'COUNT', 1)
        local oldest = ''
        if #first > 0 then oldest = first[1][1] end
        local entries = {}
        if tonumber(ARGV[2]) > 0 then
          entries = redis.call('XRANGE', KEYS[2], '(' .. ARGV[1] .. '-0', '+', 'COUNT', ARGV[2])
        end
        return {meta[1], meta[2] or '0', oldest, entries}
        """;

    /// <summary>KEYS: log. ARGV: expiry cutoff ms ('' = no TTL). Returns the number of retained entries.</summary>
    public const string Count = TrimExpired + """
        if ARGV[1] ~= '' then trim_expired(KEYS[1], tonumber(ARGV[1])) end
        return redis.call('XLEN', KEYS[1])
        """;
}
