using System.Security.Cryptography;

namespace OrleansRealtime.Gateway.Hosting;

/// <summary>The gateway's identity and HTTP surface, bound from <c>Realtime</c>.</summary>
public sealed class GatewayOptions
{
    public const string Section = "Realtime";

    /// <summary>This gateway's id in welcome frames and per-gateway counts; random when unset.</summary>
    public string GatewayId { get; set; } = "gw-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    /// <summary>
    /// Origins allowed for WebSocket/SSE/hub handshakes and CORS; <c>*</c> (or an empty list) allows any. The default
    /// is empty because configuration binding appends to an array's initial items, which would keep a default <c>*</c>.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];
}
