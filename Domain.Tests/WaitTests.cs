using Microsoft.Extensions.Time.Testing;

namespace NdisMock.Domain.Tests;

/// <summary>The journal's bounded wait, on a fake clock.</summary>
public sealed class WaitTests
{
    [Fact]
    public async Task Wait_ReturnsAtOnce_WhenAnEventIsAlreadyThere()
    {
        var sandbox = Given.Sandbox(time: new FakeTimeProvider());

        Assert.True(await sandbox.WaitForEventAfterAsync(0, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Wait_EndsWhenTheNextEventIsAppended()
    {
        var sandbox = Given.Sandbox(time: new FakeTimeProvider());
        var waiting = sandbox.WaitForEventAfterAsync(sandbox.LastSequence, TimeSpan.FromSeconds(5));
        Assert.False(waiting.IsCompleted);

        sandbox.OpenAf();

        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Wait_EndsEmpty_WhenTheClockPassesTheTimeout()
    {
        var clock = new FakeTimeProvider();
        var sandbox = Given.Sandbox(time: clock);
        var waiting = sandbox.WaitForEventAfterAsync(sandbox.LastSequence, TimeSpan.FromSeconds(5));

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
        var waiting = sandbox.WaitForEventAfterAsync(sandbox.LastSequence, TimeSpan.FromSeconds(5));

        host.Advance(TimeSpan.FromSeconds(5));

        Assert.False(await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
