using Cers.Idp.SignIn;

namespace Cers.Idp.Tests.SignIn;

public sealed class PasswordHashingGateTests
{
    [Fact]
    public async Task Verifications_beyond_the_cores_wait_and_beyond_the_queue_are_refused_at_once()
    {
        using var gate = new PasswordHashingGate(slots: 1, queuePerSlot: 1);
        var release = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = 0;

        var first = gate.TryRunAsync(() => { running++; return release.Task; }, CancellationToken.None);
        var queued = gate.TryRunAsync(() => { running++; return Task.FromResult("second"); }, CancellationToken.None);
        var refused = await gate.TryRunAsync(() => { running++; return Task.FromResult("third"); }, CancellationToken.None);

        refused.ShouldBeNull();
        running.ShouldBe(1);
        queued.IsCompleted.ShouldBeFalse();

        release.SetResult("first");
        (await first).ShouldBe("first");
        (await queued).ShouldBe("second");
        running.ShouldBe(2);

        // With the queue drained, the gate takes work again.
        (await gate.TryRunAsync(() => Task.FromResult("later"), CancellationToken.None)).ShouldBe("later");
    }
}
