using System.Net;
using Cers.Idp.Accounts;
using Cers.Idp.Audit;
using Cers.Idp.Data;
using Cers.Idp.Tests.Infrastructure;
using Duende.IdentityModel.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cers.Idp.Tests.Admin;

[Collection(IdpCollection.Name)]
public sealed class AccountAdministrationTests(IdpFactory idp)
{
    private const string Password = "a long enough test password";

    [Fact]
    public async Task A_disabled_account_loses_its_refresh_tokens_and_cannot_sign_in_until_enabled()
    {
        var user = await idp.CreateUserAsync(Password);
        using var userBrowser = idp.CreateBrowser();
        var code = await BrowserSignIn.SignInAsync(idp, userBrowser, user.UserName!, Password);
        using var backChannel = idp.CreateBackChannel();
        var tokens = await BrowserSignIn.RedeemAsync(backChannel, code);

        using var admin = await SignedInAdminAsync();
        var found = await admin.GetAsync($"/Admin/Accounts?Search={user.UserName}");
        (await found.Content.ReadAsStringAsync()).ShouldContain(user.Email!);
        var disabled = await SubmitRowAsync(admin, found, "Disable");
        (await disabled.Content.ReadAsStringAsync()).ShouldContain("The account is disabled");

        var refreshed = await backChannel.RequestRefreshTokenAsync(new RefreshTokenRequest
        {
            Address = "connect/token",
            ClientId = IdpFactory.PortalClientId,
            ClientSecret = IdpFactory.PortalSecret,
            RefreshToken = tokens.RefreshToken!,
        });
        refreshed.Error.ShouldBe("invalid_grant");

        using var again = idp.CreateBrowser();
        var refused = await BrowserSignIn.PostLoginAsync(again, new Uri(idp.BaseAddress, "/Account/Login"), user.UserName!, Password);
        (await BrowserSignIn.ReadErrorsAsync(refused)).ShouldBe([Pages.Account.Login.IndexModel.DisabledMessage]);

        var enabled = await SubmitRowAsync(admin, await admin.GetAsync($"/Admin/Accounts?Search={user.UserName}"), "Enable");
        (await enabled.Content.ReadAsStringAsync()).ShouldContain("enabled again");
        (await BrowserSignIn.PostLoginAsync(again, new Uri(idp.BaseAddress, "/Account/Login"), user.UserName!, Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        await using var scope = idp.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdpDbContext>();
        var kinds = await db.AuditEvents.Where(a => a.SubjectId == user.Id).Select(a => a.Kind).ToListAsync();
        kinds.ShouldContain(AuditKinds.Disabled);
        kinds.ShouldContain(AuditKinds.TokensRevoked);
        kinds.ShouldContain(AuditKinds.Enabled);
        (await db.Users.SingleAsync(u => u.Id == user.Id)).Status.ShouldBe(AccountStatus.Active);
    }

    [Fact]
    public async Task The_accounts_page_is_for_CERS_admins_only()
    {
        using var anonymous = idp.CreateBrowser();
        var toLogin = await anonymous.GetAsync("/Admin/Accounts");
        toLogin.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        toLogin.Headers.Location!.ToString().ShouldContain("/Account/Login");

        var user = await idp.CreateUserAsync(Password);
        using var ordinary = idp.CreateBrowser();
        await BrowserSignIn.PostLoginAsync(ordinary, new Uri(idp.BaseAddress, "/Account/Login"), user.UserName!, Password);
        var denied = await ordinary.GetAsync("/Admin/Accounts");
        denied.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        denied.Headers.Location!.AbsolutePath.ShouldBe("/Account/AccessDenied");
    }

    private async Task<HttpClient> SignedInAdminAsync()
    {
        var admin = idp.CreateBrowser();
        (await BrowserSignIn.PostLoginAsync(admin, new Uri(idp.BaseAddress, "/Account/Login"), "cersadmin1", "help desk sample password 1"))
            .StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return admin;
    }

    private static async Task<HttpResponseMessage> SubmitRowAsync(HttpClient browser, HttpResponseMessage page, string action)
    {
        var form = await BrowserSignIn.ReadFormAsync(page, new Uri(browser.BaseAddress!, "/Admin/Accounts"), $"form[action*='handler={action}']");
        return await browser.PostAsync(form.Action, new FormUrlEncodedContent(form.Fields));
    }
}
