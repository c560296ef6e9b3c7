using System.Net;
using System.Net.Sockets;

namespace Cers.Testing;

public static class Loopback
{
    /// <summary>A loopback port free right now, for a server whose address must be known before it starts (a redirect URI names it).</summary>
    public static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
