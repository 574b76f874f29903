using Microsoft.Extensions.Time.Testing;
using NdisMock.Domain;
using NdisMock.Hubs;

namespace NdisMock.Api.Tests;

/// <summary>The host's bounded wait for a sandbox's journal (GetEvents' long-poll), on a fake clock.</summary>
public sealed class JournalWaitTests
{
    [Fact]
    public async Task Wait_ReturnsAtOnce_WhenAnEventIsAlreadyThere()
    {
        var clock = new FakeTimeProvider();
        var sandbox = new Sandbox(new SandboxOptions(), clock);

        Assert.True(await sandbox.WaitForEventAfterAsync(0, TimeSpan.FromSeconds(5), clock));
    }

    [Fact]
    public async Task Wait_EndsWhenTheNextEventIsAppended()
    {
        var clock = new FakeTimeProvider();
        var sandbox = new Sandbox(new SandboxOptions(), clock);
        var waiting = sandbox.WaitForEventAfterAsync(sandbox.LastSequence, TimeSpan.FromSeconds(5), clock);
        Assert.False(waiting.IsCompleted);

        sandbox.NdisClOpenAddressFamilyEx(CoAddressFamily.Q2931, "af-ctx");

        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Wait_EndsEmpty_WhenTheClockPassesTheTimeout()
    {
        var clock = new FakeTimeProvider();
        var sandbox = new Sandbox(new SandboxOptions(), clock);
        var waiting = sandbox.WaitForEventAfterAsync(sandbox.LastSequence, TimeSpan.FromSeconds(5), clock);

        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.False(waiting.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.False(await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Wait_OnAVirtualClockSandbox_EndsOnTheHostsClock_NotTheSandboxes()
    {
        var host = new FakeTimeProvider();
        var sandbox = new Sandbox(new SandboxOptions { VirtualClock = true }, host);
        var waiting = sandbox.WaitForEventAfterAsync(sandbox.LastSequence, TimeSpan.FromSeconds(5), host);

        host.Advance(TimeSpan.FromSeconds(5));

        Assert.False(await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
