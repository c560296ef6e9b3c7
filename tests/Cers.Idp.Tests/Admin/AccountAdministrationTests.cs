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

    [Fact]
    public async Task An_admin_makes_an_account_regulator_staff_of_an_agency_and_its_next_tokens_carry_it()
    {
        var user = await idp.CreateUserAsync(Password);
        using var admin = await SignedInAdminAsync();
        var page = await admin.GetAsync($"/Admin/Accounts?Search={user.UserName}");

        var invalid = await SubmitRowAsync(admin, page, "MakeRegulator", ("agencyCode", "<script>"));
        (await AccountForms.FieldErrorsAsync(invalid)).ShouldBeEmpty();
        (await BrowserSignIn.ReadErrorsAsync(invalid)).ShouldContain(e => e.Contains("Enter the agency code"));
        (await invalid.Content.ReadAsStringAsync()).ShouldContain(user.Email!);

        var made = await SubmitRowAsync(admin, page, "MakeRegulator", ("agencyCode", "yolo-ehs"));
        (await made.Content.ReadAsStringAsync()).ShouldContain("regulator staff of YOLO-EHS");

        using var browser = idp.CreateBrowser();
        var code = await BrowserSignIn.SignInAsync(idp, browser, user.UserName!, Password,
            "openid profile offline_access facility.read facility.regulator");
        using var backChannel = idp.CreateBackChannel();
        var tokens = await BrowserSignIn.RedeemAsync(backChannel, code);
        var access = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(tokens.AccessToken);
        access.GetClaim("role").Value.ShouldBe("regulator");
        access.GetClaim("cupa").Value.ShouldBe("YOLO-EHS");

        var removed = await SubmitRowAsync(admin, await admin.GetAsync($"/Admin/Accounts?Search={user.UserName}"), "RemoveRegulator");
        (await removed.Content.ReadAsStringAsync()).ShouldContain("The regulator role is removed");
        var refreshed = await backChannel.RequestRefreshTokenAsync(new RefreshTokenRequest
        {
            Address = "connect/token",
            ClientId = IdpFactory.PortalClientId,
            ClientSecret = IdpFactory.PortalSecret,
            RefreshToken = tokens.RefreshToken!,
        });
        refreshed.IsError.ShouldBeFalse(refreshed.Error);
        var after = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(refreshed.AccessToken);
        after.Claims.ShouldNotContain(c => c.Type == "cupa" || c.Type == "role");

        await using var scope = idp.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdpDbContext>();
        (await db.AuditEvents.CountAsync(a => a.SubjectId == user.Id && a.Kind == AuditKinds.RoleChanged)).ShouldBe(2);
    }

    [Fact]
    public async Task A_CERS_admin_signed_in_with_a_password_alone_is_sent_to_prove_a_second_factor_before_the_admin_pages()
    {
        var admin = await Cers.Idp.Tests.Announcements.AnnouncementTestData.CreateAdminAsync(idp);
        using var browser = idp.CreateBrowser();
        (await BrowserSignIn.PostLoginAsync(browser, new Uri(idp.BaseAddress, "/Account/Login"), admin.UserName!, Password))
            .StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var denied = await browser.GetAsync("/Admin/Accounts");
        denied.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var onward = await browser.GetAsync(denied.Headers.Location);
        onward.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        onward.Headers.Location!.ToString().ShouldStartWith("/Account/Manage/Authenticator?returnUrl=");
        var dashboard = await browser.GetAsync("/jobs/recurring");
        dashboard.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        dashboard.Headers.Location!.ToString().ShouldBe("/Account/AccessDenied?returnUrl=%2Fjobs%2Frecurring");

        await BrowserSignIn.EnrolAuthenticatorAsync(browser, new Uri(idp.BaseAddress, "/Account/Manage/Authenticator"), admin.UserName!);
        (await browser.GetAsync("/Admin/Accounts")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await browser.GetAsync("/jobs/recurring")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private async Task<HttpClient> SignedInAdminAsync()
    {
        var admin = idp.CreateBrowser();
        await BrowserSignIn.SignInWithSecondFactorAsync(admin, "cersadmin1", "help desk sample password 1");
        return admin;
    }

    private static async Task<HttpResponseMessage> SubmitRowAsync(HttpClient browser, HttpResponseMessage page, string action,
        params (string Name, string Value)[] values)
    {
        var form = await BrowserSignIn.ReadFormAsync(page, new Uri(browser.BaseAddress!, "/Admin/Accounts"), $"form[action*='handler={action}']");
        foreach (var (name, value) in values)
        {
            form.Fields[name] = value;
        }

        return await browser.PostAsync(form.Action, new FormUrlEncodedContent(form.Fields));
    }
}
