namespace OrleansRealtime.Gateway.Protocol;

/// <summary>The <c>type</c> of a client frame.</summary>
internal enum ClientFrameType
{
    Unknown,
    Subscribe,
    Unsubscribe,
    Publish,
    History,
    Ping,
    Pong,
    Join,
    Leave,
    RoomSend,
    Direct,
    PresenceSet,
    PresenceGet,
    Auth,
}
