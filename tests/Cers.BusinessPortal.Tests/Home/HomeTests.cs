using System.Net;
using Cers.BusinessPortal.Tests.Infrastructure;

namespace Cers.BusinessPortal.Tests.Home;

[Collection(PortalCollection.Name)]
public sealed class HomeTests(PortalFixture fixture)
{
    [Fact]
    public async Task A_new_user_signs_in_at_the_provider_and_the_home_offers_to_add_a_facility_with_nothing_waiting()
    {
        var account = await fixture.CreateAccountAsync("Nadia");
        using var browser = fixture.NewBrowser();

        var home = await browser.SignInAsync(account);

        home.Document.QuerySelector("h1")!.TextContent.ShouldBe("Business Portal");
        home.Text.ShouldContain(account.DisplayName);
        home.Document.QuerySelectorAll("a").Select(a => a.TextContent.Trim()).ShouldContain("Add a new facility/business");
        home.Text.ShouldContain("No access requests are waiting for you.");
        home.Text.ShouldContain("You have no access to a business yet.");
        home.Text.ShouldContain("You have not asked for access to a business.");
        home.Document.QuerySelector(".error-summary").ShouldBeNull(home.Text);
        // The round trip went through the provider's authorization endpoint and came back with a code.
        home.Hops.ShouldContain(hop => hop.AbsolutePath == "/signin-oidc");
    }

    [Fact]
    public async Task A_page_without_a_session_sends_the_browser_to_the_provider_to_sign_in()
    {
        using var browser = fixture.NewBrowser();

        using var response = await browser.GetWithoutRedirectAsync("/Facilities/Add");

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var location = response.Headers.Location!.ToString();
        location.ShouldStartWith(new Uri(fixture.Idp.BaseAddress, "connect/authorize").ToString());
    }

    [Fact]
    public async Task Pages_carry_the_security_headers_and_the_shared_CERS_stylesheet()
    {
        var account = await fixture.CreateAccountAsync();
        using var browser = fixture.NewBrowser();
        var home = await browser.SignInAsync(account);

        var csp = home.Response.Headers.GetValues("Content-Security-Policy").Single();
        csp.ShouldContain("script-src 'none'");
        csp.ShouldContain("frame-ancestors 'none'");
        // Sign-out (a post) continues at the provider: Chromium holds that redirect to form-action too.
        csp.ShouldContain($"form-action 'self' {fixture.Idp.BaseAddress.GetLeftPart(UriPartial.Authority)}");
        home.Response.Headers.GetValues("X-Frame-Options").Single().ShouldBe("DENY");
        home.Response.Headers.GetValues("X-Content-Type-Options").Single().ShouldBe("nosniff");
        home.Document.QuerySelectorAll("link[rel=stylesheet]").Select(l => l.GetAttribute("href")!.Split('?')[0])
            .ShouldContain("/_content/Cers.Web.Shared/css/site.css");
        home.Document.QuerySelectorAll("script").ShouldBeEmpty();
        home.Document.QuerySelector("meta[name=viewport]").ShouldNotBeNull();
        // Every form posts its anti-forgery token.
        foreach (var form in home.Document.QuerySelectorAll("form[method=post]"))
        {
            form.QuerySelector("input[name=__RequestVerificationToken]").ShouldNotBeNull();
        }
    }

    [Theory]
    [InlineData("application/x-www-form-urlencoded; charset=utf-7")]
    [InlineData("application/x-www-form-urlencoded; charset=")]
    public async Task A_form_sent_in_a_charset_other_than_UTF_8_gets_a_readable_415_page(string contentType)
    {
        using var http = new HttpClient { BaseAddress = fixture.Portal.BaseAddress };
        var content = new ByteArrayContent("Reason=anything"u8.ToArray());
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        using var response = await http.PostAsync("/Requests/Decide?id=1&handler=Deny", content);

        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType, body);
        body.ShouldContain("The form was sent in a form CERS does not read.");
    }
}
