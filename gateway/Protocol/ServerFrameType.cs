namespace OrleansRealtime.Gateway.Protocol;

/// <summary>The <c>type</c> of a server frame; SSE uses its wire name as the <c>event:</c> field.</summary>
internal enum ServerFrameType : byte
{
    Welcome,
    Ack,
    Error,
    Message,
    Ping,
    Pong,
    Close,
    Room,
    Presence,
    Direct,
    Event,
    Subscribed,
    Unsubscribed,
}

internal static class ServerFrameTypes
{
    public static string ToWire(this ServerFrameType type) => type switch
    {
        ServerFrameType.Welcome => "welcome",
        ServerFrameType.Ack => "ack",
        ServerFrameType.Error => "error",
        ServerFrameType.Message => "message",
        ServerFrameType.Ping => "ping",
        ServerFrameType.Pong => "pong",
        ServerFrameType.Room => "room",
        ServerFrameType.Presence => "presence",
        ServerFrameType.Direct => "direct",
        ServerFrameType.Event => "event",
        ServerFrameType.Subscribed => "subscribed",
        ServerFrameType.Unsubscribed => "unsubscribed",
        _ => "close",
    };
}
