extern alias idp;

using System.Net;
using Cers.BusinessPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using ProviderSessions = idp::Cers.Idp.Sessions.ProviderSessions;

namespace Cers.BusinessPortal.Tests.SignIn;

/// <summary>
/// The provider's back-channel logout delivery to the real portal: a portal that is down when a session ends is told
/// once it is back, through the provider's durable outbox, and then signs that session's browser out at its next request.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class LogoutDeliveryTests(PortalFixture fixture)
{
    [Fact]
    public async Task A_portal_that_is_down_when_a_session_ends_is_told_once_it_is_back()
    {
        // Its keys outlive a restart, as every deployed portal's do, so a cookie from before is still read after.
        using var keys = new TempDirectory("cers-portal-keys-");
        var settings = new Dictionary<string, string?> { ["DataProtection:KeysDirectory"] = keys.Path };
        var account = await fixture.CreateAccountAsync("Dot");
        var portal = new PortalHost(fixture.SparePortalPort, fixture.Idp.BaseAddress, fixture.Api.BaseAddress, TimeProvider.System, settings);
        using var ended = new PortalBrowser(portal.BaseAddress);
        using var kept = new PortalBrowser(portal.BaseAddress);
        await ended.SignInAsync(account);
        var endedSession = (await fixture.Idp.SessionIdsOfAsync(account.Id)).ShouldHaveSingleItem();
        await kept.SignInAsync(account);

        await portal.DisposeAsync();
        await using (var scope = fixture.Idp.Services.CreateAsyncScope())
        {
            (await scope.ServiceProvider.GetRequiredService<ProviderSessions>().EndAsync(account.Id, endedSession, "test", CancellationToken.None))
                .ShouldBeTrue();
        }

        var failed = (await fixture.Idp.WaitForLogoutsAsync(n => n.SessionId == endedSession, n => n.Attempts >= 1 && n.LastError is not null))
            .ShouldHaveSingleItem();
        failed.DeliveredAt.ShouldBeNull();

        await using var back = new PortalHost(fixture.SparePortalPort, fixture.Idp.BaseAddress, fixture.Api.BaseAddress, TimeProvider.System, settings);
        var delivered = (await fixture.Idp.WaitForLogoutsAsync(n => n.SessionId == endedSession)).ShouldHaveSingleItem();
        delivered.Attempts.ShouldBeGreaterThan(failed.Attempts);

        using var signedOut = await ended.GetWithoutRedirectAsync("/");
        signedOut.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        signedOut.Headers.Location!.ToString().ShouldStartWith(new Uri(fixture.Idp.BaseAddress, "connect/authorize").ToString());
        (await kept.GetWithoutRedirectAsync("/")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
