using System.Net;
using System.Net.Sockets;

namespace Cers.Testing;

public static class Loopback
{
    /// <summary>Below the ephemeral ranges (Linux 32768-60999, Windows 49152-65535), which the kernel hands to outgoing connections.</summary>
    private const int FirstPort = 20_000;
    private const int LastPort = 32_000;

    /// <summary>
    /// A loopback port free right now, for a server whose address must be known before it starts (a redirect URI names it).
    /// Chosen outside the ephemeral range: a port the kernel gave out (port 0) is free only until the kernel gives it
    /// to the next outgoing connection, and a test's hosts make thousands, so a server bound seconds later could find
    /// it taken ("address already in use").
    /// </summary>
    public static int FreePort()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = Random.Shared.Next(FirstPort, LastPort);
            try
            {
                using var socket = new TcpListener(IPAddress.Loopback, port);
                socket.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken by another test process's server: try another.
            }
        }

        throw new InvalidOperationException($"No free loopback port between {FirstPort} and {LastPort}.");
    }
}
