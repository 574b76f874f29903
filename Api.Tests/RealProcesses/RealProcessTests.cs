using System.Net;
using System.Net.Sockets;
using System.Text;

namespace NdisMock.Api.Tests.RealProcesses;

/// <summary>The helpers for tests of real processes do what they promise: they start, answer, and are gone once killed.</summary>
public sealed class RealProcessTests
{
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task RedisServer_AnswersPing_AndRefusesConnectionsOnceKilled()
    {
        await using var redis = await RedisServer.StartAsync();

        Assert.Equal("+PONG", await SendAsync(redis.Port, "*1\r\n$4\r\nPING\r\n"));
        Assert.Equal($"127.0.0.1:{redis.Port}", redis.ConnectionString);

        await redis.KillAsync();
        await AssertRefusedAsync(redis.Port);
    }

    [Fact]
    public async Task RedisServer_RestartedAfterAKill_ReloadsItsAppendOnlyFile()
    {
        await using var redis = await RedisServer.StartAsync(appendOnly: true);
        Assert.Equal("+OK", await SendAsync(redis.Port, "*3\r\n$3\r\nSET\r\n$4\r\nkept\r\n$3\r\nyes\r\n"));
        var killed = redis.Pid;

        await redis.KillAsync();
        await redis.RestartAsync();

        Assert.NotEqual(killed, redis.Pid);
        Assert.Equal("$3", await SendAsync(redis.Port, "*2\r\n$3\r\nGET\r\n$4\r\nkept\r\n"));
    }

    [Fact]
    public async Task NdisMockNode_IsReady_AndRefusesConnectionsOnceKilledHard()
    {
        await using var node = await NdisMockNode.StartAsync();
        using var http = node.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode);

        await node.KillHardAsync();
        Assert.True(node.HasExited);
        await AssertRefusedAsync(node.Port);
    }

    [Fact]
    public async Task NdisMockNode_StoppedGracefully_ShutsItsHostDownInOrder()
    {
        await using var node = await NdisMockNode.StartAsync();

        await node.StopAsync();

        Assert.True(node.HasExited);
        Assert.Contains(node.Log, l => l.Contains("Application is shutting down", StringComparison.Ordinal));
    }

    /// <summary>Sends one RESP command over a raw connection and returns the first line of the reply.</summary>
    private static async Task<string> SendAsync(int port, string command)
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(ReplyTimeout);
        await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(command), timeout.Token);
        using var reader = new StreamReader(stream, Encoding.ASCII);
        return await reader.ReadLineAsync(timeout.Token) ?? "(closed)";
    }

    private static async Task AssertRefusedAsync(int port)
    {
        using var client = new TcpClient();
        var refused = await Assert.ThrowsAsync<SocketException>(() => client.ConnectAsync(IPAddress.Loopback, port));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }
}
