namespace OrleansRealtime.Gateway.Hosting;

/// <summary>Authentication switches, bound from <c>Realtime:Auth</c>.</summary>
public sealed class AuthOptions
{
    public const string Section = "Realtime:Auth";

    /// <summary>Clients without a token get a random user id, or the one they name with <c>?user=</c>.</summary>
    public bool AllowAnonymous { get; set; }
}
