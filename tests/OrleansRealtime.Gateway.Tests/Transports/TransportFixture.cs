using OrleansRealtime.Gateway.Tests.Infrastructure;

namespace OrleansRealtime.Gateway.Tests.Transports;

/// <summary>One gateway per transport's conformance class; a short pong time-out lets dead pollers be noticed quickly.</summary>
public sealed class TransportFixture : GatewayFixture
{
    public const int PongTimeoutSeconds = 2;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Realtime:Limits:PongTimeoutSeconds"] = PongTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Realtime:Limits:MaxFrameBytes"] = "4096",
        ["Realtime:Transports:SseRetryMilliseconds"] = "100",
    };
}
