using OrleansRealtime.Gateway.Protocol;

namespace OrleansRealtime.Gateway.Connections;

internal sealed partial class Session
{
    /// <summary>
    /// Sends a direct message: every connection of the recipient on any gateway gets it live, or it waits in their inbox
    /// for their next connection. The ack says which (<c>online</c>) and the message's offset in their direct log.
    /// </summary>
    private async ValueTask SendDirectAsync(ClientFrame frame, bool answer)
    {
        var to = RequireName(frame.To, "recipient ('to')");
        if (!frame.HasData)
            throw ProtocolException.BadRequest("missing field 'data'");

        var receipt = await _services.Cluster.SendDirectAsync(to, frame.Data.ToArray(), RequireIdentity().UserId);
        _services.Metrics.Published();
        if (answer)
            Send(FrameWriter.DirectAck(frame.Id, to, receipt));
    }
}
