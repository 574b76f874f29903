using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace NdisMock.Api.Tests;

/// <summary>
/// A loopback TCP forwarder in front of a server, whose open connections a test can cut at once — what a network drop
/// does to a client — while new connections go on being forwarded.
/// </summary>
public sealed class TcpCutter : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _target;
    private readonly ConcurrentDictionary<TcpClient, byte> _open = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public TcpCutter(Uri target)
    {
        ArgumentNullException.ThrowIfNull(target);
        _target = target.Port;
        _listener.Start();
        Url = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync();
    }

    /// <summary>Where clients connect instead of the server.</summary>
    public Uri Url { get; }

    /// <summary>How many connections were cut so far.</summary>
    public int Cut { get; private set; }

    /// <summary>Closes every forwarded connection now.</summary>
    public void CutAll()
    {
        foreach (var client in _open.Keys)
        {
            if (_open.TryRemove(client, out _))
            {
                client.Client.LingerState = new LingerOption(true, 0); // a reset, as a dropped link looks to the peer
                client.Dispose();
                Cut++;
            }
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var outbound = new TcpClient();
            await outbound.ConnectAsync(IPAddress.Loopback, _target);
            _open[inbound] = 0;
            _open[outbound] = 0;
            _ = PumpAsync(inbound, outbound);
            _ = PumpAsync(outbound, inbound);
        }
    }

    private async Task PumpAsync(TcpClient from, TcpClient to)
    {
        try
        {
            await from.GetStream().CopyToAsync(to.GetStream(), _stop.Token);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or SocketException)
        {
            // The link was cut or the test ended.
        }
        finally
        {
            // One side gone: the other goes too, as with a real broken connection.
            foreach (var client in new[] { from, to })
            {
                if (_open.TryRemove(client, out _))
                {
                    client.Dispose();
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        CutAll();
        await _accepting;
        _stop.Dispose();
    }
}
