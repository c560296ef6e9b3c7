using System.Net;
using Cers.BusinessPortal.Tests.Infrastructure;

namespace Cers.BusinessPortal.Tests.SignIn;

[Collection(PortalCollection.Name)]
public sealed class SessionTests(PortalFixture fixture)
{
    private const string RefreshToken = "urn:ietf:params:oauth:token-type:refresh_token";

    [Fact]
    public async Task Shortly_before_the_access_token_expires_the_portal_renews_it_with_the_refresh_token_and_keeps_calling_the_API()
    {
        var account = await fixture.CreateAccountAsync();
        var business = UniqueNames.Word() + " Cleaners";
        using var browser = fixture.NewBrowser();
        await browser.SignInAsync(account);
        await browser.AddFacilityAsync(business, $"{UniqueNames.Number()} {UniqueNames.Word()} St");
        (await fixture.TokensOfAsync(account)).ShouldNotContain((RefreshToken, "redeemed"));

        // Four and a half minutes on: under a minute left, so the next page renews the token first.
        fixture.Clock.Advance(PortalFixture.AccessTokenLifetime - TimeSpan.FromSeconds(30));
        var home = await browser.OpenAsync("/");

        home.Status.ShouldBe(HttpStatusCode.OK);
        home.Hops.ShouldBeEmpty();
        home.Document.QuerySelector(".error-summary").ShouldBeNull(home.Text);
        home.Document.QuerySelector("[data-testid=businesses]")!.TextContent.ShouldContain(business);
        // The provider rotated the refresh token: the one the portal held is redeemed, a new one is valid.
        var tokens = await fixture.TokensOfAsync(account);
        tokens.ShouldContain((RefreshToken, "redeemed"));
        tokens.ShouldContain((RefreshToken, "valid"));

        // The renewed session is kept in the cookie: the next page needs no refresh.
        var redeemed = tokens.Count(t => t.Status == "redeemed");
        (await browser.OpenAsync("/")).Status.ShouldBe(HttpStatusCode.OK);
        (await fixture.TokensOfAsync(account)).Count(t => t.Status == "redeemed").ShouldBe(redeemed);
    }

    [Fact]
    public async Task When_the_refresh_token_was_revoked_the_session_ends_and_the_browser_goes_to_sign_in_again()
    {
        var account = await fixture.CreateAccountAsync();
        using var browser = fixture.NewBrowser();
        await browser.SignInAsync(account);

        await fixture.RevokeTokensAsync(account);
        fixture.Clock.Advance(PortalFixture.AccessTokenLifetime);
        using var response = await browser.GetWithoutRedirectAsync("/");

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().ShouldStartWith(new Uri(fixture.Idp.BaseAddress, "connect/authorize").ToString());
        response.Headers.GetValues("Set-Cookie").ShouldContain(cookie => cookie.StartsWith("cers.portal.session=;", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sign_out_ends_the_portal_session_and_the_providers_through_the_end_session_endpoint()
    {
        var account = await fixture.CreateAccountAsync();
        using var browser = fixture.NewBrowser();
        var home = await browser.SignInAsync(account);

        var signedOut = await browser.SubmitAsync(home, "form.sign-out");

        signedOut.Address.AbsolutePath.ShouldBe("/Account/SignedOut");
        signedOut.Hops.ShouldContain(hop => hop.AbsolutePath == "/connect/endsession");
        // Neither session is left: the next page goes to the provider's sign-in form.
        var again = await browser.OpenAsync("/");
        again.Address.AbsolutePath.ShouldBe("/Account/Login");
    }

    [Fact]
    public async Task Sign_out_after_the_portal_session_lapsed_still_goes_to_the_provider_s_end_session_and_signs_nobody_in()
    {
        var account = await fixture.CreateAccountAsync();
        using var browser = fixture.NewBrowser();
        var home = await browser.SignInAsync(account);
        var form = home.Document.QuerySelector("form.sign-out").ShouldNotBeNull();
        var token = form.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;

        // The portal's session cookie is gone (expired, or the refresh was refused); the provider's is not.
        foreach (System.Net.Cookie cookie in browser.Cookies.GetAllCookies())
        {
            if (cookie.Name.StartsWith("cers.portal.session", StringComparison.Ordinal))
            {
                cookie.Expired = true;
            }
        }

        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = browser.Cookies });
        using var response = await http.PostAsync(new Uri(fixture.Portal.BaseAddress, "/Account/SignOut"),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location.ShouldNotBeNull().AbsolutePath.ShouldBe("/connect/endsession");
    }

    [Fact]
    public async Task An_active_session_ends_twelve_hours_after_it_began_however_active_the_person_stays()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var portal = new PortalHost(fixture.SparePortalPort, fixture.Idp.BaseAddress, fixture.Api.BaseAddress, clock);
        var account = await fixture.CreateAccountAsync();
        using var browser = new PortalBrowser(portal.BaseAddress);
        await browser.SignInAsync(account);

        // Active all along: each page renews the sliding cookie (and the access token, which the clock has aged).
        clock.Advance(TimeSpan.FromHours(7));
        var home = await browser.OpenAsync("/");
        home.Status.ShouldBe(HttpStatusCode.OK);
        home.Hops.ShouldBeEmpty();

        clock.Advance(TimeSpan.FromHours(5) + TimeSpan.FromMinutes(1));
        using var response = await browser.GetWithoutRedirectAsync("/");

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().ShouldStartWith(new Uri(fixture.Idp.BaseAddress, "connect/authorize").ToString());
        response.Headers.GetValues("Set-Cookie").ShouldContain(cookie => cookie.StartsWith("cers.portal.session=;", StringComparison.Ordinal));
    }
}
