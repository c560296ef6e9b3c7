using System.Net;
using Cers.Idp.Tests.Infrastructure;

namespace Cers.Idp.Tests.SignIn;

/// <summary>
/// A sign-in at the provider slides while the person is active, but not for ever: a security review found
/// sessions with no absolute limit (ASVS 3.3.2). <c>Sessions:AbsoluteLifetime</c> (12 hours by default)
/// ends it however active the person stays.
/// </summary>
public sealed class SessionLifetimeTests
{
    private const string Password = "a long enough session password";

    [Theory]
    [InlineData("12:00:00", false)]
    [InlineData("1.00:00:00", true)]
    public async Task An_active_session_ends_at_its_absolute_lifetime_and_not_before(string absoluteLifetime, bool signedInAfter12Hours)
    {
        await using var idp = IsolatedIdp.Start(true, ("Sessions:AbsoluteLifetime", absoluteLifetime));
        var userName = "session" + Guid.NewGuid().ToString("N")[..8];
        await idp.Host.CreateActiveAccountAsync(userName, "Sam", "Session", Password);
        using var browser = idp.CreateBrowser();
        (await BrowserSignIn.PostLoginAsync(browser, new Uri(idp.Host.BaseAddress, "/Account/Login"), userName, Password))
            .StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await IsSignedInAsync(idp, browser)).ShouldBeTrue();

        // Active all along: a request every few hours keeps the sliding cookie alive.
        idp.Clock.Advance(TimeSpan.FromHours(7));
        (await IsSignedInAsync(idp, browser)).ShouldBeTrue();
        idp.Clock.Advance(TimeSpan.FromHours(5) + TimeSpan.FromMinutes(1));

        (await IsSignedInAsync(idp, browser)).ShouldBe(signedInAfter12Hours);
    }

    [Fact]
    public async Task A_refresh_token_stops_working_when_its_sign_in_reaches_the_absolute_lifetime()
    {
        await using var idp = IsolatedIdp.Start(true);
        var userName = "refresh" + Guid.NewGuid().ToString("N")[..8];
        await idp.Host.CreateActiveAccountAsync(userName, "Rae", "Refresh", Password);
        using var browser = idp.CreateBrowser();
        var (verifier, challenge) = BrowserSignIn.NewPkce();
        var toLogin = await browser.GetAsync(BrowserSignIn.AuthorizeUrl(idp.Host.BaseAddress, challenge, "r", "n"));
        var code = await BrowserSignIn.FollowToCallbackAsync(browser,
            await BrowserSignIn.PostLoginAsync(browser, new Uri(idp.Host.BaseAddress, toLogin.Headers.Location!.ToString()), userName, Password));
        using var http = idp.Host.CreateBackChannel();
        var tokens = await BrowserSignIn.RedeemAsync(http, code with { CodeVerifier = verifier });

        // Refreshed as a relying party in use does, within the session's idle timeout (8 hours) each time.
        idp.Clock.Advance(TimeSpan.FromHours(6));
        var refreshed = await BrowserSignIn.RefreshAsync(http, tokens.RefreshToken!);
        refreshed.IsError.ShouldBeFalse(refreshed.Error);
        idp.Clock.Advance(TimeSpan.FromHours(5));
        refreshed = await BrowserSignIn.RefreshAsync(http, refreshed.RefreshToken!);
        refreshed.IsError.ShouldBeFalse(refreshed.Error);

        idp.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));
        var refused = await BrowserSignIn.RefreshAsync(http, refreshed.RefreshToken!);

        refused.IsError.ShouldBeTrue();
        refused.Error.ShouldBe("invalid_grant");
    }

    [Fact]
    public void An_idle_timeout_longer_than_the_absolute_lifetime_stops_the_provider_at_start()
    {
        using var data = new TempDirectory();
        using var host = new IdpHost(data.Path, new Dictionary<string, string?>
        {
            ["Sessions:IdleTimeout"] = "10:00:00",
            ["Sessions:AbsoluteLifetime"] = "09:00:00",
        });

        Should.Throw<Exception>(() => host.Start()).ToString().ShouldContain("Sessions:IdleTimeout must not be longer than Sessions:AbsoluteLifetime");
    }

    /// <summary>An authorization request goes straight back to the client only while the session lasts.</summary>
    private static async Task<bool> IsSignedInAsync(IsolatedIdp idp, HttpClient browser)
    {
        var (_, challenge) = BrowserSignIn.NewPkce();
        using var response = await browser.GetAsync(BrowserSignIn.AuthorizeUrl(idp.Host.BaseAddress, challenge, "s", "n", "openid"));
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return response.Headers.Location!.ToString().StartsWith(IdpFactory.PortalRedirectUri, StringComparison.Ordinal);
    }
}
