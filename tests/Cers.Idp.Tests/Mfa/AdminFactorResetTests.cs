using System.Net;
using Cers.Idp.Audit;
using Cers.Idp.Mfa;
using Cers.Idp.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Cers.Idp.Tests.Mfa;

[Collection(IdpCollection.Name)]
public sealed class AdminFactorResetTests(IdpFactory idp)
{
    [Fact]
    public async Task An_admin_resets_a_persons_factors_which_removes_them_revokes_tokens_audits_the_admin_and_emails_the_person()
    {
        var (user, _) = await MfaTestAccounts.EnrolAsync(idp.Services, await MfaTestAccounts.NewUserAsync(idp.Services), idp.BaseAddress);
        using var browser = idp.CreateBrowser();
        using var backChannel = idp.CreateBackChannel();
        var tokens = await BrowserSignIn.RedeemAsync(backChannel, await BrowserSignIn.SignInAsync(idp, browser, user.UserName!, MfaTestAccounts.Password));

        using var admin = idp.CreateBrowser();
        await BrowserSignIn.SignInWithSecondFactorAsync(admin, "cersadmin1", "help desk sample password 1");
        var page = new Uri(idp.BaseAddress, $"/Admin/Accounts?Search={user.UserName}");
        var form = await BrowserSignIn.ReadFormAsync(await admin.GetAsync(page), page, "form[action*='handler=ResetFactors']");
        var reset = await admin.PostAsync(form.Action, new FormUrlEncodedContent(form.Fields));
        (await reset.Content.ReadAsStringAsync()).ShouldContain("sign-in factors are removed");

        (await BrowserSignIn.RefreshAsync(backChannel, tokens.RefreshToken!)).Error.ShouldBe("invalid_grant");
        var account = await idp.Services.QueryAsync(db => db.Users.SingleAsync(u => u.Id == user.Id));
        account.TwoFactorEnabled.ShouldBeFalse();
        (await idp.Services.QueryAsync(db => db.UserTokens.Where(t => t.UserId == user.Id
            && (t.Name == "AuthenticatorKey" || t.Name == RecoveryCodeStore.HashesName)).CountAsync())).ShouldBe(0);
        (await idp.Services.QueryAsync(db => db.AuditEvents.SingleAsync(a => a.SubjectId == user.Id && a.Kind == AuditKinds.SignInFactorsReset)))
            .Detail.ShouldBe("by cersadmin1");
        (await idp.Smtp.WaitForAsync(user.Email!, "Your CERS sign-in protection changed")).TextBody.ShouldNotBeNull().ShouldContain("removed its authenticator app");

        // The password alone signs in again: there is no second factor left to ask for.
        using var again = idp.CreateBrowser();
        var afterPassword = await BrowserSignIn.PostLoginAsync(again, new Uri(idp.BaseAddress, "/Account/Login"), user.UserName!, MfaTestAccounts.Password);
        afterPassword.Headers.Location!.ToString().ShouldNotContain("LoginWith2fa");
    }
}
