using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansRealtime.Hosting;

namespace OrleansRealtime.Gateways;

/// <summary>
/// The live gateways with their leases and observers (see <see cref="IGatewayDirectoryGrain"/>). Commands fan out to
/// every live gateway's observer in parallel; a gateway that does not answer within the command timeout is reported
/// unreachable rather than failing the whole request.
/// </summary>
internal sealed partial class GatewayDirectoryGrain(
    IOptions<GatewayDirectoryOptions> options,
    [FromKeyedServices(RealtimeServiceKeys.Clock)] TimeProvider clock,
    ILogger<GatewayDirectoryGrain> logger) : Grain, IGatewayDirectoryGrain
{
    private readonly GatewayDirectoryOptions _options = options.Value;
    private readonly Dictionary<string, Member> _members = new(StringComparer.Ordinal);

    public ValueTask<TimeSpan> RenewAsync(GatewayRegistration registration, IGatewayObserver observer)
    {
        ArgumentNullException.ThrowIfNull(registration);
        ArgumentNullException.ThrowIfNull(observer);
        ArgumentException.ThrowIfNullOrEmpty(registration.GatewayId);
        var now = clock.GetUtcNow();
        if (!_members.ContainsKey(registration.GatewayId))
            LogJoined(logger, registration.GatewayId, registration.Address);
        _members[registration.GatewayId] = new Member(new GatewayEntry(registration, now, now + _options.Lease), observer);
        return ValueTask.FromResult(_options.Lease);
    }

    public ValueTask LeaveAsync(string gatewayId)
    {
        if (_members.Remove(gatewayId))
            LogLeft(logger, gatewayId);
        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<GatewayEntry>> ListAsync()
    {
        var live = Live();
        var entries = new List<GatewayEntry>(live.Count);
        foreach (var member in live)
            entries.Add(member.Entry);
        return ValueTask.FromResult<IReadOnlyList<GatewayEntry>>(entries);
    }

    public async ValueTask<ConnectionPage> ListConnectionsAsync(string? after, int limit, string? exceptGatewayId)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var asked = Live().Where(m => m.Entry.Registration.GatewayId != exceptGatewayId).ToList();
        var answers = await Task.WhenAll(asked.Select(m => AskAsync(m, o => o.ListConnectionsAsync(after, limit), "list-connections")));

        // Each gateway answered its first `limit` after the cursor, so the first `limit` of the merge are the cluster's.
        var connections = answers.Where(a => a.Ok).SelectMany(a => a.Value!)
            .OrderBy(c => c.ConnectionId, StringComparer.Ordinal)
            .Take(limit)
            .ToList();
        return new ConnectionPage(connections, Unreachable(asked, answers));
    }

    public async ValueTask<ConnectionLookup> FindConnectionAsync(string connectionId)
    {
        var (connection, unreachable) = await LookUpAsync(o => o.GetConnectionAsync(connectionId), "get-connection");
        return new ConnectionLookup(connection, unreachable);
    }

    public async ValueTask<ConnectionLookup> CloseConnectionAsync(string connectionId)
    {
        var (connection, unreachable) = await LookUpAsync(o => o.CloseConnectionAsync(connectionId), "close-connection");
        return new ConnectionLookup(connection, unreachable);
    }

    public async ValueTask<SubscriptionLookup> SubscribeAsync(string connectionId, SubscriptionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (answer, unreachable) = await LookUpAsync(o => o.SubscribeAsync(connectionId, request), "subscribe");
        return new SubscriptionLookup(answer, unreachable);
    }

    public async ValueTask<SubscriptionLookup> ListSubscriptionsAsync(string connectionId)
    {
        var (answer, unreachable) = await LookUpAsync(o => o.ListSubscriptionsAsync(connectionId), "list-subscriptions");
        return new SubscriptionLookup(answer, unreachable);
    }

    public async ValueTask<SubscriptionLookup> UnsubscribeAsync(string connectionId, string subscriptionId)
    {
        var (answer, unreachable) = await LookUpAsync(o => o.UnsubscribeAsync(connectionId, subscriptionId), "unsubscribe");
        return new SubscriptionLookup(answer, unreachable);
    }

    /// <summary>
    /// Asks every live gateway at once (connection ids are unique, so at most one holds it and answers non-null);
    /// answers what the holder said and who did not answer in time.
    /// </summary>
    private async Task<(T? Found, List<string> Unreachable)> LookUpAsync<T>(Func<IGatewayObserver, Task<T?>> command, string operation)
        where T : class
    {
        var asked = Live();
        var answers = await Task.WhenAll(asked.Select(m => AskAsync(m, command, operation)));
        return (answers.Select(a => a.Value).FirstOrDefault(c => c is not null), Unreachable(asked, answers));
    }

    /// <summary>The members whose lease is current, ordered by id; lapsed ones are dropped here rather than on a timer.</summary>
    private List<Member> Live()
    {
        var now = clock.GetUtcNow();
        var live = new List<Member>(_members.Count);
        foreach (var (gatewayId, member) in _members)
        {
            if (member.Entry.ExpiresAt > now)
            {
                live.Add(member);
            }
            else
            {
                _members.Remove(gatewayId);
                LogExpired(logger, gatewayId, member.Entry.RenewedAt);
            }
        }

        live.Sort(static (a, b) => string.CompareOrdinal(a.Entry.Registration.GatewayId, b.Entry.Registration.GatewayId));
        return live;
    }

    /// <summary>Asks one gateway, bounded by the command timeout (network time, so the real clock, not the realtime one).</summary>
    private async Task<Answer<T>> AskAsync<T>(Member member, Func<IGatewayObserver, Task<T>> command, string operation)
    {
        try
        {
            return new Answer<T>(true, await command(member.Observer).WaitAsync(_options.CommandTimeout));
        }
        catch (Exception ex)
        {
            LogCommandFailed(logger, ex, operation, member.Entry.Registration.GatewayId);
            return new Answer<T>(false, default);
        }
    }

    private static List<string> Unreachable<T>(List<Member> asked, Answer<T>[] answers)
    {
        var unreachable = new List<string>();
        for (var i = 0; i < asked.Count; i++)
        {
            if (!answers[i].Ok)
                unreachable.Add(asked[i].Entry.Registration.GatewayId);
        }

        return unreachable;
    }

    private sealed record Member(GatewayEntry Entry, IGatewayObserver Observer);

    private readonly record struct Answer<T>(bool Ok, T? Value);

    [LoggerMessage(EventId = 2400, Level = LogLevel.Information, Message = "Gateway '{GatewayId}' joined the directory ({Address})")]
    private static partial void LogJoined(ILogger logger, string gatewayId, string address);

    [LoggerMessage(EventId = 2401, Level = LogLevel.Information, Message = "Gateway '{GatewayId}' left the directory")]
    private static partial void LogLeft(ILogger logger, string gatewayId);

    [LoggerMessage(EventId = 2402, Level = LogLevel.Warning, Message = "Gateway '{GatewayId}' dropped from the directory: its lease lapsed (last renewed {RenewedAt})")]
    private static partial void LogExpired(ILogger logger, string gatewayId, DateTimeOffset renewedAt);

    [LoggerMessage(EventId = 2403, Level = LogLevel.Warning, Message = "Gateway command {Operation} to '{GatewayId}' failed or timed out")]
    private static partial void LogCommandFailed(ILogger logger, Exception exception, string operation, string gatewayId);
}
