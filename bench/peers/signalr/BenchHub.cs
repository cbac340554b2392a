using System.Text.Json;
using Microsoft.AspNetCore.SignalR;

namespace OrleansRealtime.Bench.SignalRPeer;

/// <summary>
/// Channels as SignalR groups, the way an application would write it with the documented API: a client joins a
/// channel's group, and a publish sends the payload to the group as client method <c>m</c>. The payload stays a
/// <see cref="JsonElement"/>, so the JSON hub protocol writes it back as it came, without a typed model in between.
/// </summary>
internal sealed class BenchHub : Hub
{
    public Task Subscribe(string channel) => Groups.AddToGroupAsync(Context.ConnectionId, channel);

    public Task Publish(string channel, JsonElement payload) => Clients.Group(channel).SendAsync("m", payload);
}
