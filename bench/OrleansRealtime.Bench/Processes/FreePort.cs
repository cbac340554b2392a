using System.Net;
using System.Net.Sockets;

namespace OrleansRealtime.Bench.Processes;

internal static class FreePort
{
    /// <summary>A port that was free on 127.0.0.1 a moment ago; a server that then fails to bind it is started again on another.</summary>
    public static int Next()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)listener.LocalEndPoint!).Port;
    }
}
