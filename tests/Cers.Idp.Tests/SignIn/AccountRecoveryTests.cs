using System.Net;
using Cers.Idp.Audit;
using Cers.Idp.Data;
using Cers.Idp.Tests.Infrastructure;
using Duende.IdentityModel.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cers.Idp.Tests.SignIn;

[Collection(IdpCollection.Name)]
public sealed class AccountRecoveryTests(IdpFactory idp)
{
    private const string Password = "a long enough test password";

    [Fact]
    public async Task Forgot_username_emails_the_username_to_the_accounts_address()
    {
        var user = await idp.CreateUserAsync(Password);
        using var browser = idp.CreateBrowser();

        var response = await AccountForms.SubmitAsync(browser, "/Account/ForgotUsername", new Dictionary<string, string> { ["Email"] = user.Email! });

        (await response.Content.ReadAsStringAsync()).ShouldContain("If a CERS account uses that email address");
        var email = await idp.Smtp.WaitForAsync(user.Email!, "Your CERS username");
        email.TextBody.ShouldNotBeNull().ShouldContain(user.UserName!);
    }

    [Fact]
    public async Task A_password_reset_sets_the_new_password_revokes_refresh_tokens_and_the_link_works_once()
    {
        var user = await idp.CreateUserAsync(Password);
        using var signedIn = idp.CreateBrowser();
        var code = await BrowserSignIn.SignInAsync(idp, signedIn, user.UserName!, Password);
        using var backChannel = idp.CreateBackChannel();
        var tokens = await BrowserSignIn.RedeemAsync(backChannel, code);
        tokens.RefreshToken.ShouldNotBeNullOrEmpty();

        using var browser = idp.CreateBrowser();
        var asked = await AccountForms.SubmitAsync(browser, "/Account/ForgotPassword", new Dictionary<string, string> { ["UserName"] = user.UserName! });
        (await asked.Content.ReadAsStringAsync()).ShouldContain("If a CERS account has that username");
        var link = AccountForms.LinkIn(await idp.Smtp.WaitForAsync(user.Email!, "Reset your CERS password"), "/Account/ResetPassword");

        const string NewPassword = "brand new harbor lantern phrase";
        var reset = await AccountForms.SubmitAsync(browser, link.PathAndQuery, new Dictionary<string, string>
        {
            ["Password"] = NewPassword,
            ["ConfirmPassword"] = NewPassword,
        });
        (await AccountForms.TitleOfAsync(reset)).ShouldBe("Your password was changed");

        var refreshed = await backChannel.RequestRefreshTokenAsync(new RefreshTokenRequest
        {
            Address = "connect/token",
            ClientId = IdpFactory.PortalClientId,
            ClientSecret = IdpFactory.PortalSecret,
            RefreshToken = tokens.RefreshToken!,
        });
        refreshed.IsError.ShouldBeTrue();
        refreshed.Error.ShouldBe("invalid_grant");

        var replay = await browser.GetAsync(link.PathAndQuery);
        (await AccountForms.TitleOfAsync(replay)).ShouldBe("This reset link does not work");

        using var fresh = idp.CreateBrowser();
        var oldPassword = await BrowserSignIn.PostLoginAsync(fresh, new Uri(idp.BaseAddress, "/Account/Login"), user.UserName!, Password);
        oldPassword.StatusCode.ShouldBe(HttpStatusCode.OK);
        var newPassword = await BrowserSignIn.PostLoginAsync(fresh, new Uri(idp.BaseAddress, "/Account/Login"), user.UserName!, NewPassword);
        newPassword.StatusCode.ShouldBe(HttpStatusCode.Redirect);

        await idp.Smtp.WaitForAsync(user.Email!, "Your CERS password was changed");
        await using var scope = idp.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdpDbContext>();
        var kinds = await db.AuditEvents.Where(a => a.SubjectId == user.Id).Select(a => a.Kind).ToListAsync();
        kinds.ShouldContain(AuditKinds.PasswordResetRequested);
        kinds.ShouldContain(AuditKinds.PasswordReset);
        kinds.ShouldContain(AuditKinds.TokensRevoked);
        kinds.ShouldContain(AuditKinds.SignedIn);
        kinds.ShouldContain(AuditKinds.SignInFailed);
    }

    [Fact]
    public async Task A_reset_to_a_weak_password_is_refused_next_to_the_field_and_the_link_still_works()
    {
        var user = await idp.CreateUserAsync(Password);
        using var browser = idp.CreateBrowser();
        await AccountForms.SubmitAsync(browser, "/Account/ForgotPassword", new Dictionary<string, string> { ["UserName"] = user.UserName! });
        var link = AccountForms.LinkIn(await idp.Smtp.WaitForAsync(user.Email!, "Reset your CERS password"), "/Account/ResetPassword");

        var weak = await AccountForms.SubmitAsync(browser, link.PathAndQuery, new Dictionary<string, string>
        {
            ["Password"] = "password1234",
            ["ConfirmPassword"] = "password1234",
        });

        (await AccountForms.FieldErrorsAsync(weak))["Password"].ShouldContain("common or breached");
        var page = await browser.GetAsync(link.PathAndQuery);
        (await AccountForms.TitleOfAsync(page)).ShouldBe("Choose a new password");
    }

    [Theory]
    [InlineData("?id=nobody&token=abc")]
    [InlineData("?token=abc")]
    [InlineData("")]
    public async Task A_tampered_reset_link_gets_a_clear_page(string query)
    {
        using var browser = idp.CreateBrowser();

        var response = await browser.GetAsync("/Account/ResetPassword" + query);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await AccountForms.TitleOfAsync(response)).ShouldBe("This reset link does not work");
    }
}

public sealed class ResetLinkLifetimeTests
{
    [Fact]
    public async Task A_reset_link_stops_working_after_one_hour()
    {
        await using var idp = IsolatedIdp.Start(fakeClock: true);
        using var browser = idp.CreateBrowser();
        var applicant = Applicant.New();
        await AccountForms.RegisterAcceptedAsync(browser, applicant);
        await AccountForms.ActivateAsync(browser, AccountForms.LinkIn(await idp.Smtp.WaitForAsync(applicant.Email, "Activate"), "/Account/Activate"), applicant.Password);

        await AccountForms.SubmitAsync(browser, "/Account/ForgotPassword", new Dictionary<string, string> { ["UserName"] = applicant.UserName });
        var link = AccountForms.LinkIn(await idp.Smtp.WaitForAsync(applicant.Email, "Reset your CERS password"), "/Account/ResetPassword");

        await idp.AdvanceAsync(TimeSpan.FromMinutes(59));
        (await AccountForms.TitleOfAsync(await browser.GetAsync(link.PathAndQuery))).ShouldBe("Choose a new password");
        await idp.AdvanceAsync(TimeSpan.FromMinutes(2));
        (await AccountForms.TitleOfAsync(await browser.GetAsync(link.PathAndQuery))).ShouldBe("This reset link does not work");
    }
}
