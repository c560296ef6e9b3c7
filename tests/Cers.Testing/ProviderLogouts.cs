using System.Linq.Expressions;
using Cers.Idp.Sessions.Logout;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cers.Testing;

public static class ProviderLogouts
{
    /// <summary>
    /// Waits until the back-channel logouts the provider owes that match <paramref name="which"/> exist and all satisfy
    /// <paramref name="until"/> (delivered, by default); returns them. Fails after <paramref name="timeout"/> (30 s) with
    /// each one's attempts and last error.
    /// </summary>
    public static async Task<List<LogoutNotification>> WaitForLogoutsAsync(this IdpHost idp, Expression<Func<LogoutNotification, bool>> which,
        Func<LogoutNotification, bool>? until = null, TimeSpan? timeout = null)
    {
        until ??= n => n.DeliveredAt is not null;
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            List<LogoutNotification> owed;
            await using (var scope = idp.Services.CreateAsyncScope())
            {
                owed = await scope.ServiceProvider.GetRequiredService<Cers.Idp.Data.IdpDbContext>().LogoutNotifications.AsNoTracking()
                    .Where(which).OrderBy(n => n.ClientId).ToListAsync();
            }

            if (owed.Count > 0 && owed.All(until))
            {
                return owed;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The back-channel logouts did not reach the state waited for: "
                    + (owed.Count == 0 ? "none is owed" : string.Join("; ", owed.Select(n => $"{n.ClientId} {n.SessionId}: {n.Attempts} attempts, {n.LastError}"))));
            }

            await Task.Delay(100);
        }
    }
}
