using System.Net;
using System.Net.Sockets;

namespace OrleansRealtime.Testing;

/// <summary>Finds free TCP ports on loopback for servers a test starts.</summary>
public static class FreePort
{
    /// <summary>
    /// A port that was free on 127.0.0.1 a moment ago (the OS picks it by binding port 0). Another process can take it
    /// before the caller binds it, so a caller that starts a server retries with a new port when binding fails.
    /// </summary>
    public static int Next()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }
}
