using Cers.ServiceDefaults.SharedState;
using Microsoft.Extensions.Time.Testing;

namespace Cers.Idp.Tests.ScaleOut;

/// <summary>Development's shared state holds a bounded number of entries, and refuses a new key rather than forget an old one.</summary>
public sealed class InMemorySharedStateTests
{
    [Fact]
    public async Task A_full_in_memory_state_refuses_new_keys_keeps_counting_old_ones_and_has_room_again_once_they_expire()
    {
        var time = new FakeTimeProvider();
        var state = new InMemorySharedState(time, maxEntries: 3);
        var window = TimeSpan.FromMinutes(1);
        foreach (var key in new[] { "signin:a", "signin:b", "signin:c" })
        {
            (await state.CountAsync(key, window)).Count.ShouldBe(1);
        }

        await Should.ThrowAsync<SharedStateUnavailableException>(() => state.TryMarkAsync("jti:new", window));
        (await state.CountAsync("signin:a", window)).Count.ShouldBe(2);

        time.Advance(window + TimeSpan.FromSeconds(1));
        (await state.TryMarkAsync("jti:new", window)).ShouldBeTrue();
    }
}
