using System.Net;
using Cers.Idp.Accounts;
using Cers.Idp.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using PasskeysPage = Cers.Idp.Pages.Account.Manage.Passkeys.IndexModel;

namespace Cers.Idp.Tests.Passkeys;

/// <summary>
/// Adding a passkey needs a recent sign-in: within ten minutes of it the browser's prompt is offered at once, later
/// only after the password is entered again, so a session left open on a shared computer cannot plant a passkey.
/// </summary>
public sealed class PasskeyReauthenticationTests
{
    private const string Password = "a long enough test password";

    [Fact]
    public async Task A_passkey_can_be_added_without_the_password_within_ten_minutes_of_signing_in_and_only_with_it_after()
    {
        await using var idp = IsolatedIdp.Start(fakeClock: true);
        var userName = "r" + Guid.NewGuid().ToString("N")[..12];
        await idp.Host.CreateActiveAccountAsync(userName, "Rea", "Thenticate", Password, "A phrase");
        using var browser = idp.CreateBrowser();
        var login = new Uri(idp.Host.BaseAddress, "/Account/Login");
        (await BrowserSignIn.PostLoginAsync(browser, login, userName, Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        await idp.AdvanceAsync(TimeSpan.FromMinutes(9));
        var fresh = await BeginAsync(browser, idp);
        fresh.QuerySelector("form[data-passkey=create]").ShouldNotBeNull("nine minutes after signing in");

        await idp.AdvanceAsync(TimeSpan.FromMinutes(2));
        var stale = await BeginAsync(browser, idp);
        stale.QuerySelector("form[data-passkey]").ShouldBeNull("eleven minutes after signing in");
        var confirm = stale.QuerySelector("form[action*='handler=Confirm']").ShouldNotBeNull();

        var wrong = await ConfirmAsync(browser, idp, confirm, "not the password at all");
        wrong.QuerySelector("form[data-passkey]").ShouldBeNull();
        wrong.QuerySelector(".error-summary")!.TextContent.ShouldContain(PasskeysPage.WrongPasswordMessage);
        await using (var scope = idp.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<CersUser>>();
            (await users.GetAccessFailedCountAsync((await users.FindByNameAsync(userName))!)).ShouldBe(1, "a wrong password here counts toward lockout");
        }

        var right = await ConfirmAsync(browser, idp, confirm, Password);
        right.QuerySelector("form[data-passkey=create]").ShouldNotBeNull("after the password was entered again");
    }

    private static async Task<AngleSharp.Html.Dom.IHtmlDocument> BeginAsync(HttpClient browser, IsolatedIdp idp)
    {
        var page = new Uri(idp.Host.BaseAddress, "/Account/Manage/Passkeys");
        var form = await BrowserSignIn.ReadFormAsync(await browser.GetAsync(page), page, "form[action*='handler=Begin']");
        form.Fields["Input.Name"] = "Borrowed laptop";
        return await ParseAsync(await browser.PostAsync(form.Action, new FormUrlEncodedContent(form.Fields)));
    }

    private static async Task<AngleSharp.Html.Dom.IHtmlDocument> ConfirmAsync(HttpClient browser, IsolatedIdp idp, AngleSharp.Dom.IElement form, string password)
    {
        var fields = form.QuerySelectorAll("input[name]").ToDictionary(i => i.GetAttribute("name")!, i => i.GetAttribute("value") ?? "");
        fields["Input.Password"] = password;
        var action = new Uri(idp.Host.BaseAddress, form.GetAttribute("action"));
        return await ParseAsync(await browser.PostAsync(action, new FormUrlEncodedContent(fields)));
    }

    private static async Task<AngleSharp.Html.Dom.IHtmlDocument> ParseAsync(HttpResponseMessage response)
    {
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
    }
}
