using System.Net;
using Cers.Idp.Accounts;
using Cers.Idp.Data;
using Cers.Idp.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cers.Idp.Tests.Registration;

[Collection(IdpCollection.Name)]
public sealed class CreateAccountTests(IdpFactory idp)
{
    [Fact]
    public async Task A_new_account_is_activated_by_the_emailed_link_then_signs_in_through_the_code_flow()
    {
        var applicant = Applicant.New();
        using var browser = idp.CreateBrowser();

        await AccountForms.RegisterAcceptedAsync(browser, applicant);
        var checkEmail = await browser.GetAsync("/Account/CheckEmail");
        var page = await checkEmail.Content.ReadAsStringAsync();
        page.ShouldContain("cers@calepa.ca.gov");
        page.ShouldContain("spam");
        page.ShouldContain("48 hours");
        page.ShouldContain("30 days");
        page.ShouldContain(applicant.Email);

        var email = await idp.Smtp.WaitForAsync(applicant.Email, "Activate your CERS account");
        email.From.Mailboxes.Single().Address.ShouldBe("cers@calepa.ca.gov");
        email.TextBody.ShouldNotBeNull().ShouldContain(applicant.UserName);
        email.TextBody.ShouldContain("If you did not ask for a CERS account");
        email.HtmlBody.ShouldNotBeNull().ShouldContain(applicant.UserName);
        email.HtmlBody.ShouldContain("href=\"http");

        var link = AccountForms.LinkIn(email, "/Account/Activate");
        var confirm = await browser.GetAsync(link);
        (await AccountForms.TitleOfAsync(confirm)).ShouldBe("Activate your account");
        (await StatusOfAsync(applicant.UserName)).ShouldBe(AccountStatus.PendingActivation);
        var activated = await AccountForms.ActivateAsync(browser, link, applicant.Password);
        activated.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await AccountForms.TitleOfAsync(activated)).ShouldBe("Your account is active");

        var phraseStep = await BrowserSignIn.PostUserNameAsync(browser, new Uri(idp.BaseAddress, "/Account/Login"), applicant.UserName);
        (await BrowserSignIn.ReadProtectionPhraseAsync(phraseStep)).ShouldBe(applicant.ProtectionPhrase);

        using var signedOut = idp.CreateBrowser();
        var code = await BrowserSignIn.SignInAsync(idp, signedOut, applicant.UserName, applicant.Password);
        using var backChannel = idp.CreateBackChannel();
        var tokens = await BrowserSignIn.RedeemAsync(backChannel, code);
        tokens.IdentityToken.ShouldNotBeNullOrEmpty();
        tokens.AccessToken.ShouldNotBeNullOrEmpty();

        await using var scope = idp.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdpDbContext>();
        var account = await db.Users.SingleAsync(u => u.UserName == applicant.UserName);
        var audit = await db.AuditEvents.Where(a => a.SubjectId == account.Id).OrderBy(a => a.Id).ToListAsync();
        audit.Select(a => a.Kind).ShouldBe(["registered", "activation-sent", "activated", "signed-in"]);
        audit.ShouldAllBe(a => a.IpAddress == "127.0.0.1" && a.UserName == applicant.UserName);
        audit.ShouldAllBe(a => a.Detail == null || !a.Detail.Contains(applicant.Password));
        account.PasswordHash.ShouldNotBeNull().ShouldNotContain(applicant.Password);
        account.ActivationTokenHash.ShouldBeNull();
    }

    [Fact]
    public async Task Using_the_activation_link_twice_says_the_account_is_already_active()
    {
        var applicant = Applicant.New();
        using var browser = idp.CreateBrowser();
        await AccountForms.RegisterAcceptedAsync(browser, applicant);
        var link = AccountForms.LinkIn(await idp.Smtp.WaitForAsync(applicant.Email, "Activate"), "/Account/Activate");

        (await AccountForms.TitleOfAsync(await AccountForms.ActivateAsync(browser, link, applicant.Password))).ShouldBe("Your account is active");
        var again = await AccountForms.ActivateAsync(browser, link, applicant.Password);

        again.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await AccountForms.TitleOfAsync(again)).ShouldBe("Your account is already active");
    }

    [Theory]
    [InlineData("token", "AAAA")]
    [InlineData("token", "")]
    [InlineData("id", "not-an-account")]
    [InlineData("id", "")]
    public async Task A_tampered_activation_link_gets_a_clear_page_and_activates_nothing(string part, string value)
    {
        var applicant = Applicant.New();
        using var browser = idp.CreateBrowser();
        await AccountForms.RegisterAcceptedAsync(browser, applicant);
        var link = AccountForms.LinkIn(await idp.Smtp.WaitForAsync(applicant.Email, "Activate"), "/Account/Activate");
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(link.Query).ToDictionary(p => p.Key, p => (string?)p.Value.ToString());
        query[part] = value;

        var response = await AccountForms.ActivateAsync(browser, new Uri(idp.BaseAddress, Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/Account/Activate", query)), applicant.Password);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await AccountForms.TitleOfAsync(response)).ShouldBeOneOf("This activation link does not work", "This activation link has expired");
        (await StatusOfAsync(applicant.UserName)).ShouldBe(AccountStatus.PendingActivation);
    }

    [Fact]
    public async Task A_resent_activation_email_replaces_the_older_link()
    {
        var applicant = Applicant.New();
        using var browser = idp.CreateBrowser();
        await AccountForms.RegisterAcceptedAsync(browser, applicant);
        var first = AccountForms.LinkIn(await idp.Smtp.WaitForAsync(applicant.Email, "Activate"), "/Account/Activate");

        var resent = await AccountForms.SubmitAsync(browser, "/Account/CheckEmail", new Dictionary<string, string> { ["Email"] = applicant.Email });
        resent.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await resent.Content.ReadAsStringAsync()).ShouldContain("we have sent it a new activation email");
        await idp.Smtp.WaitForCountAsync(applicant.Email, "Activate", 2);
        var second = idp.Smtp.Find(applicant.Email, "Activate").Select(m => AccountForms.LinkIn(m, "/Account/Activate")).Single(l => l != first);

        (await AccountForms.TitleOfAsync(await AccountForms.ActivateAsync(browser, first, applicant.Password))).ShouldBe("This activation link does not work");
        (await AccountForms.TitleOfAsync(await AccountForms.ActivateAsync(browser, second, applicant.Password))).ShouldBe("Your account is active");
    }

    [Fact]
    public async Task A_pending_account_with_the_right_password_is_told_to_activate_and_gets_no_session()
    {
        var applicant = Applicant.New();
        using var browser = idp.CreateBrowser();
        await AccountForms.RegisterAcceptedAsync(browser, applicant);

        var response = await BrowserSignIn.PostLoginAsync(browser, new Uri(idp.BaseAddress, "/Account/Login"), applicant.UserName, applicant.Password);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await response.Content.ReadAsStringAsync();
        html.ShouldContain("not activated yet");
        html.ShouldContain("Resend activation email");
        response.Headers.TryGetValues("Set-Cookie", out var cookies);
        (cookies ?? []).ShouldNotContain(c => c.StartsWith("cers.idp.session=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_pending_account_with_a_wrong_password_gets_the_ordinary_failure()
    {
        var applicant = Applicant.New();
        using var browser = idp.CreateBrowser();
        await AccountForms.RegisterAcceptedAsync(browser, applicant);

        var response = await BrowserSignIn.PostLoginAsync(browser, new Uri(idp.BaseAddress, "/Account/Login"), applicant.UserName, "not the password at all");

        (await BrowserSignIn.ReadErrorsAsync(response)).ShouldBe([Pages.Account.Login.IndexModel.FailureMessage]);
        (await response.Content.ReadAsStringAsync()).ShouldNotContain("not activated");
    }

    [Fact]
    public async Task Password_policy_errors_are_shown_next_to_the_password_and_the_form_keeps_what_was_typed()
    {
        using var browser = idp.CreateBrowser();
        foreach (var (password, expected) in new[]
        {
            ("short", "at least 12"),
            ("password1234", "common or breached"),
            ("aaaaaaaaaaaaaaaa", "too easy to guess"),
        })
        {
            var applicant = Applicant.New() with { Password = password };
            var response = await AccountForms.RegisterAsync(browser, applicant);

            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            var errors = await AccountForms.FieldErrorsAsync(response);
            errors.ShouldContainKey("Input.Password");
            errors["Input.Password"].ShouldContain(expected, Case.Insensitive);
            var form = await BrowserSignIn.ReadFormAsync(response, new Uri(idp.BaseAddress, "/Account/Register"));
            form.Fields["Input.UserName"].ShouldBe(applicant.UserName);
            form.Fields["Input.Email"].ShouldBe(applicant.Email);
            form.Fields["Input.ProtectionPhrase"].ShouldBe(applicant.ProtectionPhrase);
            form.Fields["Input.Password"].ShouldBeEmpty();
            (await UserExistsAsync(applicant.UserName)).ShouldBeFalse();
        }
    }

    [Fact]
    public async Task A_password_containing_the_username_is_refused()
    {
        using var browser = idp.CreateBrowser();
        var applicant = Applicant.New();
        applicant = applicant with { Password = "my " + applicant.UserName + " is great" };

        var response = await AccountForms.RegisterAsync(browser, applicant);

        (await AccountForms.FieldErrorsAsync(response))["Input.Password"].ShouldContain("must not contain your username");
        (await UserExistsAsync(applicant.UserName)).ShouldBeFalse();
    }

    [Fact]
    public async Task Every_missing_field_is_named_in_the_error_summary_with_a_link_to_it()
    {
        using var browser = idp.CreateBrowser();

        var response = await AccountForms.SubmitAsync(browser, "/Account/Register", new Dictionary<string, string>());

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
        var links = document.QuerySelectorAll(".error-summary a").Select(a => a.GetAttribute("href")).ToList();
        links.ShouldBe(["#Input_UserName", "#Input_FirstName", "#Input_LastName", "#Input_Email", "#Input_ConfirmEmail",
            "#Input_Password", "#Input_ConfirmPassword", "#Input_ProtectionPhrase", "#Input_AcceptConditions"], ignoreOrder: true);
        foreach (var link in links)
        {
            document.QuerySelector(link!).ShouldNotBeNull($"{link} has no field to go to");
        }
    }

    [Fact]
    public async Task A_filled_honeypot_looks_accepted_but_creates_nothing_and_sends_nothing()
    {
        var applicant = Applicant.New();
        using var browser = idp.CreateBrowser();

        var response = await AccountForms.RegisterAsync(browser, applicant, form => form["Input.Website"] = "http://spam.example");

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().ShouldBe("/Account/CheckEmail");
        (await UserExistsAsync(applicant.UserName)).ShouldBeFalse();
        await Task.Delay(1500);
        idp.Smtp.Find(applicant.Email).ShouldBeEmpty();
    }

    private async Task<bool> UserExistsAsync(string userName)
    {
        await using var scope = idp.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdpDbContext>();
        return await db.Users.AnyAsync(u => u.NormalizedUserName == Normalize(userName));
    }

    private async Task<AccountStatus?> StatusOfAsync(string userName)
    {
        await using var scope = idp.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdpDbContext>();
        return await db.Users.Where(u => u.NormalizedUserName == Normalize(userName)).Select(u => (AccountStatus?)u.Status).SingleOrDefaultAsync();
    }

    private static string Normalize(string userName) => userName.ToUpperInvariant();
}
