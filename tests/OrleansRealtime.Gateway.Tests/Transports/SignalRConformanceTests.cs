using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using OrleansRealtime.Testing;

namespace OrleansRealtime.Gateway.Tests.Transports;

/// <summary>The hub through the official .NET client, once per SignalR transport.</summary>
public abstract class SignalRConformanceTests(TransportFixture fixture, HttpTransportType transport) : TransportConformanceTests(fixture)
{
    protected override string TransportName => "signalr";

    protected override async Task<RealtimeClient> ConnectAsync(string query = "") => await SignalRTestClient.ConnectAsync(Gateway.BaseUri, transport, query);

    [Theory]
    [InlineData("a string")]
    [InlineData(42)]
    public async Task AnArgumentThatIsNotAnObjectIsBadRequest(object argument)
    {
        await using var client = (SignalRTestClient)await ConnectAsync();

        var answer = await client.InvokeAsync("Subscribe", argument);

        answer.GetProperty("type").GetString().Should().Be("error");
        answer.GetProperty("code").GetString().Should().Be("bad_request");
    }

    [Fact]
    public async Task AnInvocationWithoutIdIsStillAnswered()
    {
        var channel = Infrastructure.TestNames.Channel();
        await using var client = (SignalRTestClient)await ConnectAsync();

        var answer = await client.InvokeAsync("Publish", new { channel, data = new { text = "hi" } });

        answer.GetProperty("type").GetString().Should().Be("ack");
        answer.GetProperty("offset").GetInt64().Should().Be(1);
        answer.TryGetProperty("id", out _).Should().BeFalse();
    }
}

public sealed class SignalRWebSocketsConformanceTests(TransportFixture fixture)
    : SignalRConformanceTests(fixture, HttpTransportType.WebSockets), IClassFixture<TransportFixture>;

public sealed class SignalRServerSentEventsConformanceTests(TransportFixture fixture)
    : SignalRConformanceTests(fixture, HttpTransportType.ServerSentEvents), IClassFixture<TransportFixture>;

public sealed class SignalRLongPollingConformanceTests(TransportFixture fixture)
    : SignalRConformanceTests(fixture, HttpTransportType.LongPolling), IClassFixture<TransportFixture>;
