using System.ComponentModel.DataAnnotations;

namespace OrleansRealtime.Gateway.Connections;

/// <summary>How a gateway drains when it is told to stop (SIGTERM), bound from <c>Realtime:Drain</c>.</summary>
public sealed class DrainOptions
{
    public const string Section = "Realtime:Drain";

    /// <summary>
    /// How long the gateway keeps its open connections after readiness starts failing, before it closes them with
    /// <c>shutdown</c>: long enough for a load balancer to stop sending new clients here (on Kubernetes, the readiness
    /// probe's period × failure threshold), so reconnecting clients land on another gateway. New connections are refused
    /// with <c>unavailable</c> meanwhile. Keep it plus <see cref="CloseSeconds"/> below the host's shutdown timeout (30 s).
    /// </summary>
    [Range(0, 300)]
    public int DelaySeconds { get; set; }

    /// <summary>How long the gateway waits for its closed connections to finish before the server stops.</summary>
    [Range(1, 300)]
    public int CloseSeconds { get; set; } = 10;
}
