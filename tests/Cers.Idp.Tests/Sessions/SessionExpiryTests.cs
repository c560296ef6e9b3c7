using System.Net;
using Cers.Idp.Sessions;
using Cers.Idp.Tests.Infrastructure;
using Duende.IdentityModel.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;

namespace Cers.Idp.Tests.Sessions;

/// <summary>
/// Server-side sessions on a clock the tests move: the idle timeout and absolute lifetime are judged by the session row
/// (so a refresh token outlives neither), last-seen writes are throttled, and the clean-up job ends what nobody came
/// back to, revoking what was issued in it.
/// </summary>
public sealed class SessionExpiryTests
{
    private const string Password = "a long enough session password";

    [Fact]
    public async Task A_session_idle_past_its_timeout_refuses_its_refresh_token_and_its_cookie_while_activity_keeps_it()
    {
        await using var idp = IsolatedIdp.Start(true, ("Sessions:IdleTimeout", "01:00:00"), ("Sessions:AbsoluteLifetime", "04:00:00"));
        var (browser, tokens) = await SignInAsync(idp);
        using var http = idp.Host.CreateBackChannel();

        // Active: a page now and then, a refresh now and then, each within the hour.
        idp.Clock.Advance(TimeSpan.FromMinutes(50));
        (await browser.GetAsync("/Account/Manage")).StatusCode.ShouldBe(HttpStatusCode.OK);
        idp.Clock.Advance(TimeSpan.FromMinutes(50));
        (await browser.GetAsync("/Account/Manage")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var refreshed = await BrowserSignIn.RefreshAsync(http, tokens.RefreshToken!);
        refreshed.IsError.ShouldBeFalse(refreshed.Error);

        // Then idle for more than the hour: the refresh token (which has 14 days of its own) is refused, and so is the cookie.
        idp.Clock.Advance(TimeSpan.FromMinutes(61));
        (await BrowserSignIn.RefreshAsync(http, refreshed.RefreshToken!)).Error.ShouldBe("invalid_grant");
        var page = await browser.GetAsync("/Account/Manage");
        page.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        page.Headers.Location!.ToString().ShouldContain("/Account/Login");
        (await idp.QueryAsync(db => db.ProviderSessions.CountAsync())).ShouldBe(0);
        browser.Dispose();
    }

    [Fact]
    public async Task An_active_session_ends_at_its_absolute_lifetime()
    {
        await using var idp = IsolatedIdp.Start(true, ("Sessions:IdleTimeout", "01:00:00"), ("Sessions:AbsoluteLifetime", "02:00:00"));
        var (browser, tokens) = await SignInAsync(idp);
        using var http = idp.Host.CreateBackChannel();
        var session = await idp.QueryAsync(db => db.ProviderSessions.SingleAsync());
        session.ExpiresAt.ShouldBe(idp.Clock.GetUtcNow().UtcDateTime.AddHours(2));

        var refreshToken = tokens.RefreshToken!;
        for (var i = 0; i < 2; i++)
        {
            idp.Clock.Advance(TimeSpan.FromMinutes(55));
            (await browser.GetAsync("/Account/Manage")).StatusCode.ShouldBe(HttpStatusCode.OK);
            var refreshed = await BrowserSignIn.RefreshAsync(http, refreshToken);
            refreshed.IsError.ShouldBeFalse(refreshed.Error);
            refreshToken = refreshed.RefreshToken!;
        }

        idp.Clock.Advance(TimeSpan.FromMinutes(11));
        (await browser.GetAsync("/Account/Manage")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await BrowserSignIn.RefreshAsync(http, refreshToken)).Error.ShouldBe("invalid_grant");
        browser.Dispose();
    }

    [Fact]
    public async Task Last_seen_is_written_at_most_once_a_minute()
    {
        await using var idp = IsolatedIdp.Start(true);
        var (browser, _) = await SignInAsync(idp);
        var started = await idp.QueryAsync(db => db.ProviderSessions.Select(s => s.LastSeenAt).SingleAsync());

        idp.Clock.Advance(TimeSpan.FromSeconds(30));
        (await browser.GetAsync("/Account/Manage")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await idp.QueryAsync(db => db.ProviderSessions.Select(s => s.LastSeenAt).SingleAsync())).ShouldBe(started);

        idp.Clock.Advance(ProviderSessions.LastSeenResolution);
        (await browser.GetAsync("/Account/Manage")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await idp.QueryAsync(db => db.ProviderSessions.Select(s => s.LastSeenAt).SingleAsync()))
            .ShouldBe(idp.Clock.GetUtcNow().UtcDateTime);
        browser.Dispose();
    }

    [Fact]
    public async Task The_clean_up_job_ends_idle_sessions_revoking_their_authorizations_and_leaves_live_ones()
    {
        await using var idp = IsolatedIdp.Start(true, ("Sessions:IdleTimeout", "01:00:00"), ("Sessions:AbsoluteLifetime", "04:00:00"));
        var (idle, _) = await SignInAsync(idp);
        var idleLinks = await idp.QueryAsync(db => db.SessionAuthorizations.Select(a => a.AuthorizationId).ToListAsync());
        idleLinks.Count.ShouldBe(1);

        idp.Clock.Advance(TimeSpan.FromMinutes(45));
        var (live, _) = await SignInAsync(idp);
        idp.Clock.Advance(TimeSpan.FromMinutes(20));

        await idp.RunAsync<ExpiredSessionCleanupJob, bool>(async job =>
        {
            await job.RunAsync(default);
            return true;
        });

        (await idp.QueryAsync(db => db.ProviderSessions.CountAsync())).ShouldBe(1);
        (await idp.QueryAsync(db => db.SessionAuthorizations.AnyAsync(a => idleLinks.Contains(a.AuthorizationId)))).ShouldBeFalse();
        await using (var scope = idp.Services.CreateAsyncScope())
        {
            var authorizations = scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>();
            var authorization = (await authorizations.FindByIdAsync(idleLinks[0]))!;
            (await authorizations.GetStatusAsync(authorization)).ShouldBe(OpenIddictConstants.Statuses.Revoked);
        }

        (await live.GetAsync("/Account/Manage")).StatusCode.ShouldBe(HttpStatusCode.OK);
        idle.Dispose();
        live.Dispose();
    }

    private static async Task<(HttpClient Browser, TokenResponse Tokens)> SignInAsync(IsolatedIdp idp)
    {
        var userName = "idle" + Guid.NewGuid().ToString("N")[..8];
        await idp.Host.CreateActiveAccountAsync(userName, "Ida", "Idle", Password);
        var browser = idp.CreateBrowser();
        var code = await BrowserSignIn.SignInAsync(idp.Host, browser, userName, Password);
        using var http = idp.Host.CreateBackChannel();
        return (browser, await BrowserSignIn.RedeemAsync(http, code));
    }
}
