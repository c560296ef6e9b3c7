using System.Net;
using Cers.Idp.Tests.Infrastructure;

namespace Cers.Idp.Tests.SignIn;

public sealed class RateLimitTests
{
    [Fact]
    public async Task Past_the_per_address_limit_registrations_get_429_with_retry_after_and_a_readable_page()
    {
        await using var idp = IsolatedIdp.Start(false, ("RateLimits:Registration:PermitLimit", "2"), ("RateLimits:Registration:Window", "01:00:00"));
        using var browser = idp.CreateBrowser();

        (await AccountForms.RegisterAsync(browser, Applicant.New())).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await AccountForms.RegisterAsync(browser, Applicant.New())).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var limited = await AccountForms.RegisterAsync(browser, Applicant.New());

        limited.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        limited.Headers.RetryAfter.ShouldNotBeNull();
        (await limited.Content.ReadAsStringAsync()).ShouldContain("Too many attempts");
        (await browser.GetAsync("/Account/Register")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Past_the_per_address_limit_sign_in_posts_get_429()
    {
        await using var idp = IsolatedIdp.Start(false, ("RateLimits:SignIn:PermitLimit", "3"), ("RateLimits:SignIn:Window", "01:00:00"));
        using var browser = idp.CreateBrowser();
        var login = new Uri(idp.Host.BaseAddress, "/Account/Login");

        for (var i = 0; i < 3; i++)
        {
            (await BrowserSignIn.PostUserNameAsync(browser, login, "someuser" + i)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        (await BrowserSignIn.PostUserNameAsync(browser, login, "someuser9")).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
    }
}
