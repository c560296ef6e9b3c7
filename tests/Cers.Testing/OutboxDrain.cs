using Cers.Email.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cers.Testing;

public static class OutboxDrain
{
    /// <summary>
    /// Waits until every email owed in <typeparamref name="TContext"/>'s outbox is delivered (or refused for
    /// good). Tests that move a fake clock call it first: an email still being sent when the clock jumps would
    /// see its delivery lease run out in the clock's time and be sent again (at-least-once delivery, as
    /// designed), a duplicate the test would count.
    /// </summary>
    public static async Task WaitUntilDeliveredAsync<TContext>(IServiceProvider services)
        where TContext : DbContext
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            await using (var scope = services.CreateAsyncScope())
            {
                if (!await scope.ServiceProvider.GetRequiredService<TContext>().Set<OutboxEmail>()
                        .AnyAsync(e => e.SentAt == null && e.FailedAt == null && e.DiscardedAt == null))
                {
                    return;
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Emails owed before moving the clock were not delivered within 30 s.");
            }

            await Task.Delay(100);
        }
    }
}
