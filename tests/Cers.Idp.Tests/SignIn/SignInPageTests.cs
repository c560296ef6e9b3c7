using System.Net;
using Cers.Idp.Pages.Account.Login;
using Cers.Idp.Tests.Infrastructure;

namespace Cers.Idp.Tests.SignIn;

[Collection(IdpCollection.Name)]
public sealed class SignInPageTests(IdpFactory idp)
{
    private const string Password = "a long enough test password";

    [Fact]
    public async Task A_sign_in_post_without_the_anti_forgery_token_is_rejected()
    {
        var user = await idp.CreateUserAsync(Password);
        using var browser = idp.CreateBrowser();

        var response = await browser.PostAsync("/Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.UserName"] = user.UserName!,
            ["Input.Password"] = Password,
        }));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Headers.Location.ShouldBeNull();
    }

    [Fact]
    public async Task A_correct_password_signs_in_and_goes_to_the_local_return_url_only()
    {
        var user = await idp.CreateUserAsync(Password);
        using var browser = idp.CreateBrowser();

        var response = await BrowserSignIn.PostLoginAsync(browser,
            new Uri(idp.BaseAddress, "/Account/Login?ReturnUrl=https%3A%2F%2Fevil.example%2F"), user.UserName!, Password);

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().ShouldBe("/");
        response.Headers.GetValues("Set-Cookie").ShouldContain(c => c.StartsWith("cers.idp.session=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unknown_username_and_a_wrong_password_get_the_same_answer()
    {
        var user = await idp.CreateUserAsync(Password);
        using var browser = idp.CreateBrowser();
        var login = new Uri(idp.BaseAddress, "/Account/Login");

        var unknown = await BrowserSignIn.PostLoginAsync(browser, login, "nosuchuser42", Password);
        var wrong = await BrowserSignIn.PostLoginAsync(browser, login, user.UserName!, "not the right password");

        unknown.StatusCode.ShouldBe(HttpStatusCode.OK);
        wrong.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await BrowserSignIn.ReadErrorsAsync(unknown)).ShouldBe([IndexModel.FailureMessage]);
        (await BrowserSignIn.ReadErrorsAsync(wrong)).ShouldBe([IndexModel.FailureMessage]);
    }

    [Fact]
    public async Task After_five_failures_the_account_is_locked_even_for_the_right_password()
    {
        var user = await idp.CreateUserAsync(Password);
        using var browser = idp.CreateBrowser();
        var login = new Uri(idp.BaseAddress, "/Account/Login");

        for (var attempt = 0; attempt < 5; attempt++)
        {
            (await BrowserSignIn.PostLoginAsync(browser, login, user.UserName!, "wrong password " + attempt)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        var locked = await BrowserSignIn.PostLoginAsync(browser, login, user.UserName!, Password);

        locked.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await BrowserSignIn.ReadErrorsAsync(locked)).ShouldBe([IndexModel.FailureMessage]);
    }

    [Fact]
    public async Task Pages_carry_security_headers()
    {
        using var browser = idp.CreateBrowser();

        var response = await browser.GetAsync("/Account/Login");

        response.Headers.GetValues("X-Frame-Options").ShouldBe(["DENY"]);
        response.Headers.GetValues("X-Content-Type-Options").ShouldBe(["nosniff"]);
        response.Headers.GetValues("Content-Security-Policy").Single().ShouldContain("frame-ancestors 'none'");
    }
}
