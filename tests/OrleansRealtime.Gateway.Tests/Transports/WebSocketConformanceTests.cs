using OrleansRealtime.Testing;

namespace OrleansRealtime.Gateway.Tests.Transports;

public sealed class WebSocketConformanceTests(TransportFixture fixture) : RawFrameConformanceTests(fixture), IClassFixture<TransportFixture>
{
    protected override string TransportName => "websocket";

    protected override async Task<RealtimeClient> ConnectAsync(string query = "") => await Gateway.ConnectAsync(query);
}
