using System.Net;
using AngleSharp.Html.Parser;
using Cers.Idp.Data;
using Cers.Idp.Tests.Accessibility;
using Cers.Idp.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cers.Idp.Tests.Mfa;

/// <summary>
/// The second-factor forms against bad input and forgery, and the structure every hosted page keeps
/// (<see cref="HostedPageStructureTests"/>): the pages a signed-in or half-signed-in person sees.
/// </summary>
[Collection(IdpCollection.Name)]
public sealed class MfaFormTests(IdpFactory idp)
{
    private static readonly string[] HostileCodes = ["", new string('9', 5000), "abcdef", "<script>alert(1)</script>", "12\u00003456", "١٢٣٤٥٦"];

    [Theory]
    [InlineData("/Account/LoginWith2fa")]
    [InlineData("/Account/LoginWithRecoveryCode")]
    public async Task Hostile_codes_at_the_second_step_get_a_message_beside_the_field_and_no_session(string path)
    {
        var (user, _) = await MfaTestAccounts.EnrolAsync(idp.Services, await MfaTestAccounts.NewUserAsync(idp.Services), idp.BaseAddress);
        using var browser = await PastPasswordAsync(user.UserName!);
        foreach (var value in HostileCodes)
        {
            var response = await AccountForms.SubmitAsync(browser, path, new Dictionary<string, string> { ["Code"] = value });
            response.StatusCode.ShouldBeOneOf(HttpStatusCode.OK, HttpStatusCode.BadRequest);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                (await AccountForms.FieldErrorsAsync(response)).ShouldContainKey("Code");
                (await response.Content.ReadAsStringAsync()).ShouldNotContain("<script>alert(1)</script>");
            }
        }

        (await browser.GetAsync("/Account/Manage/Authenticator")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task Hostile_values_on_the_enrolment_and_turn_off_forms_get_a_message_beside_the_field()
    {
        var user = await MfaTestAccounts.NewUserAsync(idp.Services);
        using var browser = await SignedInAsync(user.UserName!);
        foreach (var value in HostileCodes)
        {
            var response = await AccountForms.SubmitAsync(browser, "/Account/Manage/Authenticator", new Dictionary<string, string> { ["Confirm.Code"] = value },
                "form[action*=Confirm]");
            response.StatusCode.ShouldBeOneOf(HttpStatusCode.OK, HttpStatusCode.BadRequest);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                (await AccountForms.FieldErrorsAsync(response)).ShouldContainKey("Confirm.Code");
            }
        }

        await MfaTestAccounts.EnrolAsync(idp.Services, user, idp.BaseAddress);
        using var enrolled = await SignedInAsync(user.UserName!);
        foreach (var (password, code) in new[] { ("", ""), (new string('p', 5000), ""), ("wrong password entirely", "000000"), ("", "abc") })
        {
            var response = await AccountForms.SubmitAsync(enrolled, "/Account/Manage/Authenticator",
                new Dictionary<string, string> { ["Remove.Password"] = password, ["Remove.Code"] = code }, "form[action*=Remove]");
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await AccountForms.FieldErrorsAsync(response)).ShouldContainKey("Remove.Password");
        }

        (await idp.Services.QueryAsync(db => db.Users.SingleAsync(u => u.Id == user.Id))).TwoFactorEnabled.ShouldBeTrue();
    }

    [Theory]
    [InlineData("/Account/Manage/Authenticator?handler=Confirm")]
    [InlineData("/Account/Manage/Authenticator?handler=Remove")]
    [InlineData("/Account/Manage/RecoveryCodes")]
    public async Task A_signed_in_post_without_the_anti_forgery_token_is_refused_with_400(string path)
    {
        var user = await MfaTestAccounts.NewUserAsync(idp.Services);
        using var browser = await SignedInAsync(user.UserName!);
        var before = await idp.Services.QueryAsync(db => db.AuditEvents.CountAsync());

        var response = await browser.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Confirm.Code"] = "123456",
            ["Remove.Password"] = MfaTestAccounts.Password,
        }));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await idp.Services.QueryAsync(db => db.AuditEvents.CountAsync())).ShouldBe(before);
    }

    [Fact]
    public async Task Each_second_factor_page_keeps_the_hosted_page_structure()
    {
        var user = await MfaTestAccounts.NewUserAsync(idp.Services);
        using var browser = await SignedInAsync(user.UserName!);
        var enrol = await PageAsync(browser, "/Account/Manage/Authenticator");
        enrol.QuerySelector("[data-testid=qr-code] svg").ShouldNotBeNull();
        enrol.QuerySelector("a[href='/Account/Manage']").ShouldNotBeNull();
        await PageAsync(browser, "/Account/Manage/RecoveryCodes");

        await MfaTestAccounts.EnrolAsync(idp.Services, user, idp.BaseAddress);
        using var enrolled = await SignedInAsync(user.UserName!);
        (await PageAsync(enrolled, "/Account/Manage/Authenticator")).QuerySelector("form[action*=Remove]").ShouldNotBeNull();
        await PageAsync(enrolled, "/Account/Manage/RecoveryCodes");

        using var halfway = await PastPasswordAsync(user.UserName!);
        (await PageAsync(halfway, "/Account/LoginWith2fa")).QuerySelector("input[name=Code]").ShouldNotBeNull();
        (await PageAsync(halfway, "/Account/LoginWithRecoveryCode")).QuerySelector("input[name=Code]").ShouldNotBeNull();
    }

    [Fact]
    public async Task Recovery_codes_are_regenerated_from_My_Account_and_the_old_ones_stop_working()
    {
        var user = await MfaTestAccounts.NewUserAsync(idp.Services);
        using var browser = await SignedInAsync(user.UserName!);
        var first = new List<string>();
        await BrowserSignIn.EnrolAuthenticatorAsync(browser, new Uri(idp.BaseAddress, "/Account/Manage/Authenticator"), user.UserName!, first);

        var regenerated = await AccountForms.SubmitAsync(browser, "/Account/Manage/RecoveryCodes", new Dictionary<string, string>());
        var codes = new HtmlParser().ParseDocument(await regenerated.Content.ReadAsStringAsync())
            .QuerySelectorAll("[data-testid=recovery-codes] li").Select(li => li.TextContent.Trim()).ToList();
        codes.Count.ShouldBe(10);
        codes.ShouldNotContain(first[0]);

        await using var scope = idp.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Accounts.CersUser>>();
        var account = (await users.FindByIdAsync(user.Id))!;
        (await users.RedeemTwoFactorRecoveryCodeAsync(account, first[0])).Succeeded.ShouldBeFalse();
        (await users.RedeemTwoFactorRecoveryCodeAsync(account, codes[0])).Succeeded.ShouldBeTrue();
        (await idp.Services.QueryAsync(db => db.AuditEvents.CountAsync(a => a.SubjectId == user.Id && a.Kind == Audit.AuditKinds.RecoveryCodesRegenerated))).ShouldBe(1);
    }

    [Fact]
    public async Task Turning_the_authenticator_off_needs_the_password_and_is_refused_for_a_role_that_requires_it()
    {
        var user = await MfaTestAccounts.NewUserAsync(idp.Services);
        await MfaTestAccounts.EnrolAsync(idp.Services, user, idp.BaseAddress);
        using var browser = await SignedInAsync(user.UserName!);
        var off = await AccountForms.SubmitAsync(browser, "/Account/Manage/Authenticator",
            new Dictionary<string, string> { ["Remove.Password"] = MfaTestAccounts.Password }, "form[action*=Remove]");
        (await off.Content.ReadAsStringAsync()).ShouldContain("authenticator app was turned off");
        (await idp.Services.QueryAsync(db => db.Users.SingleAsync(u => u.Id == user.Id))).TwoFactorEnabled.ShouldBeFalse();
        await idp.Smtp.WaitForAsync(user.Email!, "Your CERS sign-in protection changed");

        var regulator = await MfaTestAccounts.NewUserAsync(idp.Services, agencyCode: "KEEP1");
        await MfaTestAccounts.EnrolAsync(idp.Services, regulator, idp.BaseAddress);
        using var regulatorBrowser = await SignedInAsync(regulator.UserName!);
        var refused = await AccountForms.SubmitAsync(regulatorBrowser, "/Account/Manage/Authenticator",
            new Dictionary<string, string> { ["Remove.Password"] = MfaTestAccounts.Password }, "form[action*=Remove]");
        (await AccountForms.FieldErrorsAsync(refused))["Remove.Password"].ShouldBe(Pages.Account.Manage.Authenticator.IndexModel.RequiredMessage);
        (await idp.Services.QueryAsync(db => db.Users.SingleAsync(u => u.Id == regulator.Id))).TwoFactorEnabled.ShouldBeTrue();
    }

    private static async Task<AngleSharp.Dom.IDocument> PageAsync(HttpClient browser, string path)
    {
        var response = await browser.GetAsync(path);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, path);
        var document = new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
        HostedPageStructureTests.AssertStructure(document);
        return document;
    }

    /// <summary>A browser past the password step of an account with an authenticator, waiting at the second step.</summary>
    private async Task<HttpClient> PastPasswordAsync(string userName)
    {
        var browser = idp.CreateBrowser();
        var response = await BrowserSignIn.PostLoginAsync(browser, new Uri(idp.BaseAddress, "/Account/Login"), userName, MfaTestAccounts.Password);
        response.Headers.Location!.ToString().ShouldStartWith("/Account/LoginWith2fa");
        return browser;
    }

    /// <summary>A browser with a session: the password, and the authenticator's code when the account has one.</summary>
    private async Task<HttpClient> SignedInAsync(string userName)
    {
        var browser = idp.CreateBrowser();
        var response = await BrowserSignIn.PostLoginAsync(browser, new Uri(idp.BaseAddress, "/Account/Login"), userName, MfaTestAccounts.Password);
        if (response.Headers.Location!.ToString().StartsWith("/Account/LoginWith2fa", StringComparison.Ordinal))
        {
            (await BrowserSignIn.AnswerSecondFactorAsync(browser, new Uri(idp.BaseAddress, response.Headers.Location!), userName))
                .StatusCode.ShouldBe(HttpStatusCode.Redirect);
        }

        return browser;
    }
}
