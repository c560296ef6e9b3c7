using System.Net;
using Cers.Idp.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

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

    [Fact]
    public async Task Past_the_per_address_limit_My_Account_posts_get_429_and_change_nothing()
    {
        await using var idp = IsolatedIdp.Start(false, ("RateLimits:MyAccount:PermitLimit", "2"), ("RateLimits:MyAccount:Window", "01:00:00"));
        const string Password = "a long enough test password";
        string userName;
        await using (var scope = idp.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Cers.Idp.Accounts.CersUser>>();
            userName = "rl" + Guid.NewGuid().ToString("N")[..10];
            (await users.CreateAsync(new Cers.Idp.Accounts.CersUser
            {
                UserName = userName, Email = userName + "@example.com", FirstName = "Rate", LastName = "Limited",
                ProtectionPhrase = Cers.Idp.SignIn.ProtectionPhrases.NewChoices()[0], RegisteredAt = DateTime.UtcNow,
            }, Password)).Succeeded.ShouldBeTrue();
        }

        using var browser = idp.CreateBrowser();
        (await BrowserSignIn.PostLoginAsync(browser, new Uri(idp.Host.BaseAddress, "/Account/Login"), userName, Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        for (var i = 0; i < 2; i++)
        {
            (await AccountForms.SubmitAsync(browser, "/Account/Manage", new Dictionary<string, string> { ["Input.FirstName"] = "Try" + i })).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        }

        var limited = await AccountForms.SubmitAsync(browser, "/Account/Manage", new Dictionary<string, string> { ["Input.FirstName"] = "Blocked" });

        limited.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        (await browser.GetAsync("/Account/Manage")).StatusCode.ShouldBe(HttpStatusCode.OK);
        await using var check = idp.Services.CreateAsyncScope();
        var stored = await check.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Cers.Idp.Accounts.CersUser>>().FindByNameAsync(userName);
        stored!.FirstName.ShouldBe("Try1");
    }
}
