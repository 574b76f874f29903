using System.Globalization;

namespace NdisMock.Api.Tests.RealProcesses;

/// <summary>
/// A redis-server of its own for one test: a free loopback port, a temp directory for its append-only file, nothing saved
/// as RDB snapshots. Needs Debian's redis-server on PATH (./test.sh installs it). Disposing stops it by its pid and deletes
/// the directory.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);

    private readonly bool _appendOnly;
    private RealProcess _process;

    private RedisServer(int port, string directory, bool appendOnly, RealProcess process)
    {
        Port = port;
        Directory = directory;
        _appendOnly = appendOnly;
        _process = process;
    }

    public int Port { get; }

    /// <summary>Where redis-server keeps its append-only file; it survives <see cref="KillAsync"/> for <see cref="RestartAsync"/>.</summary>
    public string Directory { get; }

    /// <summary>A StackExchange.Redis configuration string, the value of Storage__Redis.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>The pid of the redis-server running now (a restart starts a new one).</summary>
    public int Pid => _process.Pid;

    /// <summary>What the redis-server running now printed.</summary>
    public IReadOnlyList<string> Log => _process.Lines;

    /// <summary>Starts redis-server and returns once it accepts connections.</summary>
    /// <param name="appendOnly">Whether every write goes to the append-only file, so a restart reloads it.</param>
    public static async Task<RedisServer> StartAsync(bool appendOnly = true)
    {
        var directory = Path.Combine(Path.GetTempPath(), "ndismock-redis-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        try
        {
            // Another test may take the free port between the probe and the bind; a second port then.
            for (var attempt = 1; ; attempt++)
            {
                var port = RealProcess.FreePort();
                var process = await StartProcessAsync(port, directory, appendOnly, lastAttempt: attempt == 3);
                if (process is not null)
                {
                    return new RedisServer(port, directory, appendOnly, process);
                }
            }
        }
        catch
        {
            System.IO.Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    /// <summary>SIGKILL, as a crash would end it; awaits the exit, so the port refuses connections afterwards.</summary>
    public Task KillAsync() => _process.KillAsync();

    /// <summary>SIGTERM: redis-server flushes its append-only file and exits.</summary>
    public Task StopAsync() => _process.StopAsync();

    /// <summary>
    /// Stops the running redis-server if any (gracefully) and starts a new one on the same port and directory, which reloads the
    /// append-only file: what a restart of the compose service does.
    /// </summary>
    public async Task RestartAsync()
    {
        await _process.DisposeAsync();
        _process = await StartProcessAsync(Port, Directory, _appendOnly, lastAttempt: true)
            ?? throw new InvalidOperationException("unreachable: the last attempt throws");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _process.DisposeAsync();
        }
        finally
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    /// <summary>The running redis-server, or null when the port was taken and this is not the last attempt.</summary>
    private static async Task<RealProcess?> StartProcessAsync(int port, string directory, bool appendOnly, bool lastAttempt)
    {
        RealProcess process;
        try
        {
            process = RealProcess.Start(
                "redis-server",
                ["--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", appendOnly ? "yes" : "no", "--dir", directory],
                directory);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("redis-server could not be started; install Debian's redis-server (./test.sh does).", e);
        }

        try
        {
            await process.WaitForLineAsync("Ready to accept connections", ReadyTimeout);
            return process;
        }
        catch (InvalidOperationException) when (!lastAttempt && process.Lines.Any(l => l.Contains("Address already in use", StringComparison.Ordinal)))
        {
            await process.DisposeAsync();
            return null;
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }
}
