using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace NdisMock.Api.Tests.RealProcesses;

/// <summary>
/// A process a test starts (redis-server, NdisMock, dotnet publish): its output captured line by line, awaited for a line or
/// its exit with a timeout that fails with what it printed, and stopped by its pid on dispose, even when the test failed.
/// </summary>
public sealed class RealProcess : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly List<(string Text, TaskCompletionSource Seen)> _waits = [];
    private readonly Task _exited;

    private RealProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Pid = _process.Id;
        Name = Path.GetFileName(process.StartInfo.FileName);
        _exited = _process.WaitForExitAsync();
    }

    public int Pid { get; }

    /// <summary>The program's file name, for messages.</summary>
    public string Name { get; }

    public bool HasExited => _exited.IsCompleted;

    /// <summary>Valid once the process has exited.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Every line printed so far, standard output and standard error interleaved as they arrived.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>The output so far as one text, for assertion messages.</summary>
    public string Log => string.Join('\n', Lines);

    /// <summary>Starts <paramref name="file"/> with its output redirected; <paramref name="environment"/> adds to or overrides the test's own.</summary>
    public static RealProcess Start(string file, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file, arguments) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return new RealProcess(new Process { StartInfo = start });
    }

    /// <summary>Runs a command to its end; past <paramref name="limit"/> it is killed and the test fails with its output.</summary>
    public static async Task<(int ExitCode, string Log)> RunAsync(
        string file, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string>? environment, TimeSpan limit)
    {
        await using var process = Start(file, arguments, workingDirectory, environment);
        await process.WaitForExitAsync(limit);
        return (process.ExitCode, process.Log);
    }

    /// <summary>A loopback port nobody listens on at the moment of asking.</summary>
    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>
    /// Completes when a line containing <paramref name="text"/> was printed (before or after the call); fails with the output
    /// if the process exits first or nothing matches within <paramref name="timeout"/>.
    /// </summary>
    public async Task WaitForLineAsync(string text, TimeSpan timeout)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lines)
        {
            if (_lines.Any(l => l.Contains(text, StringComparison.Ordinal)))
            {
                return;
            }

            _waits.Add((text, seen));
        }

        Task first;
        try
        {
            first = await Task.WhenAny(seen.Task, _exited).WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{Name} (pid {Pid}) printed no line with '{text}' within {timeout.TotalSeconds} s:\n{Log}");
        }

        if (first != seen.Task && !seen.Task.IsCompleted)
        {
            throw new InvalidOperationException($"{Name} (pid {Pid}) exited with {_process.ExitCode} before printing '{text}':\n{Log}");
        }
    }

    /// <summary>Completes when the process has exited and its output is read; past <paramref name="timeout"/> it is killed and the test fails.</summary>
    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _exited.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            await KillAsync();
            throw new TimeoutException($"{Name} (pid {Pid}) ran over {timeout.TotalSeconds} s and was killed:\n{Log}");
        }
    }

    /// <summary>SIGKILL, as a crash or the OOM killer would end it, then awaits the exit so its ports are closed.</summary>
    public async Task KillAsync()
    {
        if (!HasExited)
        {
            try
            {
                _process.Kill();
            }
            catch (InvalidOperationException)
            {
                // It exited between the check and the kill.
            }
        }

        await _exited.WaitAsync(StopTimeout);
    }

    /// <summary>
    /// SIGTERM, as docker stop sends, so the process shuts down in order; SIGKILL if it is still running after
    /// <paramref name="timeout"/> (10 s by default). Where there is no kill command (Windows), a plain kill.
    /// </summary>
    public async Task StopAsync(TimeSpan? timeout = null)
    {
        if (HasExited)
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            await KillAsync();
            return;
        }

        var (signalled, _) = await RunAsync("kill", ["-TERM", Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)], Path.GetTempPath(), null, StopTimeout);
        try
        {
            await _exited.WaitAsync(signalled == 0 || HasExited ? timeout ?? StopTimeout : TimeSpan.Zero);
        }
        catch (TimeoutException)
        {
            await KillAsync();
        }
    }

    /// <summary>Stops the process if it still runs: gracefully, then by force.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            if (!HasExited)
            {
                _process.Kill();
            }

            _process.Dispose();
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        List<TaskCompletionSource> seen;
        lock (_lines)
        {
            _lines.Add(line);
            seen = [.. _waits.Where(w => line.Contains(w.Text, StringComparison.Ordinal)).Select(w => w.Seen)];
            _waits.RemoveAll(w => seen.Contains(w.Seen));
        }

        seen.ForEach(s => s.TrySetResult());
    }
}
