using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cers.Idp.Tests.Memory;

/// <summary>The heap is handed back once the service is idle after work: never while it is busy, and not again until there was work.</summary>
public sealed class IdleMemoryTrimTests
{
    private const long MiB = 1 << 20;

    [Fact]
    public void Trims_once_when_idle_after_start_up_never_while_busy_and_again_after_the_next_burst()
    {
        var allocated = 300 * MiB;
        var collections = 0;
        var trim = new IdleMemoryTrim(TimeProvider.System, NullLogger<IdleMemoryTrim>.Instance, () => allocated, () => collections++);

        // Start-up allocated plenty; the first idle look trims, the next finds nothing new.
        allocated += MiB;
        trim.TrimIfIdle().ShouldBeTrue();
        allocated += MiB;
        trim.TrimIfIdle().ShouldBeFalse();

        // A burst: busy looks never trim, however much it allocates.
        for (var look = 0; look < 3; look++)
        {
            allocated += 50 * MiB;
            trim.TrimIfIdle().ShouldBeFalse();
        }

        allocated += MiB;
        trim.TrimIfIdle().ShouldBeTrue();
        collections.ShouldBe(2);
    }
}
