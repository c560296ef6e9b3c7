using System.Net;
using Cers.Idp.Audit;
using Cers.Idp.Data;
using Cers.Idp.MyAccount;
using Cers.Idp.Tests.Infrastructure;
using Duende.IdentityModel.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Cers.Idp.Tests.MyAccount;

[Collection(IdpCollection.Name)]
public sealed class MyAccountTests(IdpFactory idp)
{
    private const string Password = "a long enough test password";

    [Fact]
    public async Task My_Account_needs_a_signed_in_person()
    {
        using var browser = idp.CreateBrowser();
        foreach (var page in new[] { "/Account/Manage", "/Account/Manage/Password", "/Account/Manage/Email", "/Account/Manage/Phrase", "/Account/Manage/EmailHistory", "/Account/Manage/Activity" })
        {
            var response = await browser.GetAsync(page);
            response.StatusCode.ShouldBe(HttpStatusCode.Redirect, page);
            response.Headers.Location!.ToString().ShouldContain("/Account/Login");
        }
    }

    [Fact]
    public async Task A_profile_change_is_saved_audited_and_carried_into_the_next_tokens_and_userinfo()
    {
        var user = await idp.CreateUserAsync(Password);
        using var browser = idp.CreateBrowser();
        using var backChannel = idp.CreateBackChannel();
        var tokens = await BrowserSignIn.RedeemAsync(backChannel,
            await BrowserSignIn.SignInAsync(idp, browser, user.UserName!, Password, "openid profile email phone offline_access facility.read"));
        var before = new JsonWebToken(tokens.IdentityToken);
        before.GetClaim("name").Value.ShouldBe("Test User");
        before.TryGetClaim("phone_number", out _).ShouldBeFalse();

        var saved = await AccountForms.SubmitAsync(browser, "/Account/Manage", new Dictionary<string, string>
        {
            ["Input.FirstName"] = "Marisol",
            ["Input.LastName"] = "Ortega",
            ["Input.Phone"] = "(530) 555-0142 x12",
            ["Input.Title"] = "Compliance Officer",
        });
        saved.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var page = await (await browser.GetAsync("/Account/Manage")).Content.ReadAsStringAsync();
        page.ShouldContain(Cers.Idp.Pages.Account.Manage.IndexModel.SavedMessage);
        page.ShouldContain("value=\"Compliance Officer\"");

        var refreshed = await BrowserSignIn.RefreshAsync(backChannel, tokens.RefreshToken!);
        refreshed.IsError.ShouldBeFalse(refreshed.Error);
        var identity = new JsonWebToken(refreshed.IdentityToken);
        identity.GetClaim("name").Value.ShouldBe("Marisol Ortega");
        identity.GetClaim("title").Value.ShouldBe("Compliance Officer");
        identity.GetClaim("phone_number").Value.ShouldBe("(530) 555-0142 x12");
        identity.GetPayloadValue<bool>("phone_number_verified").ShouldBeFalse();
        // The API takes a request's phone and title from the request: its tokens need neither.
        var access = new JsonWebToken(refreshed.AccessToken);
        access.TryGetClaim("phone_number", out _).ShouldBeFalse();
        access.TryGetClaim("title", out _).ShouldBeFalse();

        var info = await backChannel.GetUserInfoAsync(new UserInfoRequest
        {
            Address = "connect/userinfo",
            Token = refreshed.AccessToken,
        });
        info.IsError.ShouldBeFalse(info.Error);
        info.Claims.Single(c => c.Type == "phone_number").Value.ShouldBe("(530) 555-0142 x12");
        info.Claims.Single(c => c.Type == "title").Value.ShouldBe("Compliance Officer");
        (await AuditKindsOfAsync(user.Id)).ShouldContain(AuditKinds.ProfileChanged);
    }

    [Fact]
    public async Task Bad_profile_input_is_answered_beside_the_field_and_changes_nothing()
    {
        var user = await idp.CreateUserAsync(Password);
        using var browser = await SignedInBrowserAsync(user.UserName!);

        var response = await AccountForms.SubmitAsync(browser, "/Account/Manage", new Dictionary<string, string>
        {
            ["Input.FirstName"] = "",
            ["Input.LastName"] = new string('x', 5000),
            ["Input.Phone"] = "call me",
            ["Input.Title"] = "Boss\u202Eevil",
        });

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var errors = await AccountForms.FieldErrorsAsync(response);
        errors.Keys.ShouldBe(["Input.FirstName", "Input.LastName", "Input.Phone", "Input.Title"], ignoreOrder: true);
        (await FindAsync(user.Id)).FirstName.ShouldBe("Test");
    }

    [Fact]
    public async Task Password_and_email_changes_of_one_account_are_limited_however_many_addresses_they_come_from()
    {
        var user = await idp.CreateUserAsync(Password);
        using var browser = await SignedInBrowserAsync(user.UserName!);
        var limit = new Cers.Idp.SignIn.RequestRateLimitOptions().AccountChangesPerAccount.PermitLimit;

        for (var i = 0; i < limit; i++)
        {
            (await ChangePasswordAsync(browser, "wrong guess " + i, "copper lantern over Truckee")).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        var over = await RequestEmailChangeAsync(browser, $"late.{Guid.NewGuid():N}@example.org", Password);
        over.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        over.Headers.RetryAfter.ShouldNotBeNull();
        (await FindAsync(user.Id)).PendingEmail.ShouldBeNull();
    }

    [Fact]
    public async Task Oversized_and_malformed_password_and_email_changes_get_field_messages()
    {
        var user = await idp.CreateUserAsync(Password);
        using var browser = await SignedInBrowserAsync(user.UserName!);

        var password = await ChangePasswordAsync(browser, new string('p', 10_000), "");
        password.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await AccountForms.FieldErrorsAsync(password)).Keys.ShouldBe(["Input.CurrentPassword", "Input.NewPassword", "Input.ConfirmPassword"], ignoreOrder: true);

        var email = await AccountForms.SubmitAsync(browser, "/Account/Manage/Email", new Dictionary<string, string>
        {
            ["Input.NewEmail"] = "not-an-address\r\nBcc: victim@example.com",
            ["Input.ConfirmEmail"] = "something else",
            ["Input.CurrentPassword"] = "",
        });
        email.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await AccountForms.FieldErrorsAsync(email)).Keys.ShouldBe(["Input.NewEmail", "Input.ConfirmEmail", "Input.CurrentPassword"], ignoreOrder: true);
        (await FindAsync(user.Id)).PendingEmail.ShouldBeNull();

        using var anonymous = idp.CreateBrowser();
        var link = await anonymous.GetAsync("/Account/ConfirmEmail?id=" + new string('x', 5000) + "&token=%00%01");
        (await AccountForms.TitleOfAsync(link)).ShouldBe("Email address not changed");
    }

    [Fact]
    public async Task A_form_post_without_its_anti_forgery_token_is_refused()
    {
        var user = await idp.CreateUserAsync(Password);
        using var browser = await SignedInBrowserAsync(user.UserName!);

        var response = await browser.PostAsync("/Account/Manage", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.FirstName"] = "Mallory",
            ["Input.LastName"] = "Forger",
        }));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await FindAsync(user.Id)).FirstName.ShouldBe("Test");
    }

    [Fact]
    public async Task A_password_change_needs_the_current_password_ends_other_sessions_and_tells_the_owner()
    {
        var user = await idp.CreateUserAsync(Password);
        using var elsewhere = idp.CreateBrowser();
        using var backChannel = idp.CreateBackChannel();
        var otherTokens = await BrowserSignIn.RedeemAsync(backChannel, await BrowserSignIn.SignInAsync(idp, elsewhere, user.UserName!, Password));
        using var browser = await SignedInBrowserAsync(user.UserName!);
        const string NewPassword = "copper lantern over Truckee";

        var wrong = await ChangePasswordAsync(browser, "not my password at all", NewPassword);
        wrong.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await AccountForms.FieldErrorsAsync(wrong))["Input.CurrentPassword"].ShouldBe(Cers.Idp.Pages.Account.Manage.Password.IndexModel.WrongPasswordMessage);
        (await FindAsync(user.Id)).AccessFailedCount.ShouldBe(1);

        var weak = await ChangePasswordAsync(browser, Password, "password");
        (await AccountForms.FieldErrorsAsync(weak)).ShouldContainKey("Input.NewPassword");

        var changed = await ChangePasswordAsync(browser, Password, NewPassword);
        changed.StatusCode.ShouldBe(HttpStatusCode.Redirect);

        // This browser carries on; the other session's refresh token is dead.
        (await browser.GetAsync("/Account/Manage")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var refreshed = await BrowserSignIn.RefreshAsync(backChannel, otherTokens.RefreshToken!);
        refreshed.Error.ShouldBe("invalid_grant");

        (await idp.Smtp.WaitForAsync(user.Email!, "Your CERS password was changed")).TextBody.ShouldNotBeNull().ShouldContain("If this wasn't you");
        using var fresh = idp.CreateBrowser();
        (await BrowserSignIn.PostLoginAsync(fresh, new Uri(idp.BaseAddress, "/Account/Login"), user.UserName!, Password)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await BrowserSignIn.PostLoginAsync(fresh, new Uri(idp.BaseAddress, "/Account/Login"), user.UserName!, NewPassword)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var kinds = await AuditKindsOfAsync(user.Id);
        kinds.ShouldContain(AuditKinds.PasswordChangeFailed);
        kinds.ShouldContain(AuditKinds.PasswordChanged);
        kinds.ShouldContain(AuditKinds.TokensRevoked);
    }

    [Fact]
    public async Task An_email_change_waits_for_the_new_address_to_confirm_and_the_link_works_once()
    {
        var user = await idp.CreateUserAsync(Password);
        using var browser = await SignedInBrowserAsync(user.UserName!);
        var newAddress = $"moved.{Guid.NewGuid():N}@example.org";

        var asked = await RequestEmailChangeAsync(browser, newAddress, Password);
        asked.StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var notice = await idp.Smtp.WaitForAsync(user.Email!, "A change of your CERS email address was asked for");
        notice.TextBody.ShouldNotBeNull().ShouldNotContain("/Account/ConfirmEmail");
        var link = AccountForms.LinkIn(await idp.Smtp.WaitForAsync(newAddress, "Confirm your new CERS email address"), "/Account/ConfirmEmail");
        (await FindAsync(user.Id)).Email.ShouldBe(user.Email);

        // Opening the link shows a button and changes nothing (mail scanners open links).
        using var mailbox = idp.CreateBrowser();
        var opened = await mailbox.GetAsync(link.PathAndQuery);
        (await AccountForms.TitleOfAsync(opened)).ShouldBe("Confirm your new email address");
        (await FindAsync(user.Id)).Email.ShouldBe(user.Email);

        var confirmed = await AccountForms.SubmitAsync(mailbox, link.PathAndQuery, new Dictionary<string, string>());
        (await AccountForms.TitleOfAsync(confirmed)).ShouldBe("Email address changed");
        var account = await FindAsync(user.Id);
        account.Email.ShouldBe(newAddress);
        account.PendingEmail.ShouldBeNull();
        await idp.Smtp.WaitForAsync(user.Email!, "Your CERS email address was changed");

        var again = await mailbox.GetAsync(link.PathAndQuery);
        (await AccountForms.TitleOfAsync(again)).ShouldBe("Email address not changed");

        // Emails now go to the new address: a username reminder arrives there.
        using var other = idp.CreateBrowser();
        await AccountForms.SubmitAsync(other, "/Account/ForgotUsername", new Dictionary<string, string> { ["Email"] = newAddress });
        (await idp.Smtp.WaitForAsync(newAddress, "Your CERS username")).TextBody.ShouldNotBeNull().ShouldContain(user.UserName!);
        (await AuditKindsOfAsync(user.Id)).ShouldContain(AuditKinds.EmailChanged);
    }

    [Fact]
    public async Task An_email_change_to_an_address_in_use_answers_the_same_and_tells_its_owner()
    {
        var owner = await idp.CreateUserAsync(Password);
        var user = await idp.CreateUserAsync(Password);
        using var browser = await SignedInBrowserAsync(user.UserName!);
        var free = $"free.{Guid.NewGuid():N}@example.org";

        var toTaken = await RequestEmailChangeAsync(browser, owner.Email!.ToUpperInvariant(), Password);
        var toFree = await RequestEmailChangeAsync(browser, free, Password);

        toTaken.StatusCode.ShouldBe(toFree.StatusCode);
        toTaken.Headers.Location.ShouldBe(toFree.Headers.Location);
        (await idp.Smtp.WaitForAsync(owner.Email!, "Someone tried to use your email address in CERS")).TextBody.ShouldNotBeNull()
            .ShouldNotContain("/Account/ConfirmEmail");
        await idp.Smtp.WaitForAsync(free, "Confirm your new CERS email address");
        idp.Smtp.Find(owner.Email!, "Confirm your new CERS email address").ShouldBeEmpty();
        (await FindAsync(user.Id)).Email.ShouldBe(user.Email);
        (await FindAsync(owner.Id)).Email.ShouldBe(owner.Email);
    }

    [Fact]
    public async Task An_email_change_needs_the_current_password()
    {
        var user = await idp.CreateUserAsync(Password);
        using var browser = await SignedInBrowserAsync(user.UserName!);
        var newAddress = $"nope.{Guid.NewGuid():N}@example.org";

        var response = await RequestEmailChangeAsync(browser, newAddress, "somebody else's guess");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await AccountForms.FieldErrorsAsync(response)).ShouldContainKey("Input.CurrentPassword");
        (await FindAsync(user.Id)).PendingEmail.ShouldBeNull();
        await using var scope = idp.Services.CreateAsyncScope();
        (await scope.ServiceProvider.GetRequiredService<IdpDbContext>().EmailOutbox.AnyAsync(e => e.ToAddress == newAddress)).ShouldBeFalse();
    }

    [Fact]
    public async Task A_confirmed_address_another_account_took_meanwhile_is_not_taken_twice()
    {
        var user = await idp.CreateUserAsync(Password);
        using var browser = await SignedInBrowserAsync(user.UserName!);
        var contested = $"contested.{Guid.NewGuid():N}@example.org";
        await RequestEmailChangeAsync(browser, contested, Password);
        var link = AccountForms.LinkIn(await idp.Smtp.WaitForAsync(contested, "Confirm your new CERS email address"), "/Account/ConfirmEmail");

        var rival = await idp.CreateUserAsync(Password);
        await using (var scope = idp.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Cers.Idp.Accounts.CersUser>>();
            var stored = (await users.FindByIdAsync(rival.Id))!;
            (await users.SetEmailAsync(stored, contested)).Succeeded.ShouldBeTrue();
        }

        using var mailbox = idp.CreateBrowser();
        var confirmed = await AccountForms.SubmitAsync(mailbox, link.PathAndQuery, new Dictionary<string, string>());

        (await confirmed.Content.ReadAsStringAsync()).ShouldContain(Cers.Idp.Pages.Account.ConfirmEmail.IndexModel.TakenMessage);
        (await FindAsync(user.Id)).Email.ShouldBe(user.Email);
    }

    [Fact]
    public async Task A_new_protection_phrase_must_be_a_generated_one_and_shows_at_the_next_sign_in()
    {
        var user = await idp.CreateUserAsync(Password);
        using var browser = await SignedInBrowserAsync(user.UserName!);

        var typed = await AccountForms.SubmitAsync(browser, "/Account/Manage/Phrase", new Dictionary<string, string> { ["ProtectionPhrase"] = "my own words here" });
        (await AccountForms.FieldErrorsAsync(typed)).ShouldContainKey("ProtectionPhrase");

        var chosen = Cers.Idp.SignIn.ProtectionPhrases.NewChoices().First(p => p != user.ProtectionPhrase);
        var changed = await AccountForms.SubmitAsync(browser, "/Account/Manage/Phrase", new Dictionary<string, string> { ["ProtectionPhrase"] = chosen });
        changed.StatusCode.ShouldBe(HttpStatusCode.Redirect);

        using var fresh = idp.CreateBrowser();
        var phraseStep = await BrowserSignIn.PostUserNameAsync(fresh, new Uri(idp.BaseAddress, "/Account/Login"), user.UserName!);
        (await BrowserSignIn.ReadProtectionPhraseAsync(phraseStep)).ShouldBe(chosen);
        await idp.Smtp.WaitForAsync(user.Email!, "Your CERS protection phrase was changed");
    }

    [Fact]
    public async Task Email_History_lists_the_persons_own_emails_newest_first_with_their_delivery_state()
    {
        var user = await idp.CreateUserAsync(Password);
        var stranger = await idp.CreateUserAsync(Password);
        using var browser = await SignedInBrowserAsync(user.UserName!);
        await AccountForms.SubmitAsync(browser, "/Account/Manage/Phrase", new Dictionary<string, string>
        {
            ["ProtectionPhrase"] = Cers.Idp.SignIn.ProtectionPhrases.NewChoices().First(p => p != user.ProtectionPhrase),
        });
        await idp.Smtp.WaitForAsync(user.Email!, "Your CERS protection phrase was changed");
        await ChangePasswordAsync(browser, Password, "velvet harbor beyond Ojai");
        using (var strangerBrowser = await SignedInBrowserAsync(stranger.UserName!))
        {
            await ChangePasswordAsync(strangerBrowser, Password, "stranger danger at Barstow");
        }

        var page = await browser.GetAsync("/Account/Manage/EmailHistory");

        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await page.Content.ReadAsStringAsync());
        var rows = document.QuerySelectorAll("tbody tr");
        rows.Select(r => r.GetAttribute("data-kind")).ShouldBe([MyAccountEmails.Kinds.PasswordChanged, MyAccountEmails.Kinds.PhraseChanged]);
        rows[1].QuerySelector("[data-state]")!.GetAttribute("data-state").ShouldBe(nameof(Cers.Email.Outbox.DeliveryState.Sent));
        rows[0].TextContent.ShouldContain(EmailHistory.PurposeOf(MyAccountEmails.Kinds.PasswordChanged));
        document.Body!.TextContent.ShouldNotContain(stranger.Email!);
        document.Body.InnerHtml.ShouldNotContain("/Account/ResetPassword?");
    }

    [Fact]
    public async Task Security_activity_shows_the_accounts_own_sign_ins_and_failures_with_their_address()
    {
        var user = await idp.CreateUserAsync(Password);
        using (var failing = idp.CreateBrowser())
        {
            await BrowserSignIn.PostLoginAsync(failing, new Uri(idp.BaseAddress, "/Account/Login"), user.UserName!, "wrong password entirely");
        }

        using var browser = await SignedInBrowserAsync(user.UserName!);
        var page = await browser.GetAsync("/Account/Manage/Activity?page=banana");

        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await page.Content.ReadAsStringAsync());
        var rows = document.QuerySelectorAll("tbody tr");
        rows.Select(r => r.GetAttribute("data-kind")).ShouldBe([AuditKinds.SignedIn, AuditKinds.SignInFailed]);
        rows[0].TextContent.ShouldContain("127.0.0.1");
    }

    [Fact]
    public async Task CERS_Central_links_a_signed_in_person_to_My_Account()
    {
        var user = await idp.CreateUserAsync(Password);
        using var browser = await SignedInBrowserAsync(user.UserName!);

        var home = await (await browser.GetAsync("/")).Content.ReadAsStringAsync();

        home.ShouldContain("href=\"/Account/Manage\"");
    }

    private async Task<HttpClient> SignedInBrowserAsync(string userName)
    {
        var browser = idp.CreateBrowser();
        var signedIn = await BrowserSignIn.PostLoginAsync(browser, new Uri(idp.BaseAddress, "/Account/Login"), userName, Password);
        signedIn.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return browser;
    }

    private static Task<HttpResponseMessage> ChangePasswordAsync(HttpClient browser, string current, string newPassword) =>
        AccountForms.SubmitAsync(browser, "/Account/Manage/Password", new Dictionary<string, string>
        {
            ["Input.CurrentPassword"] = current,
            ["Input.NewPassword"] = newPassword,
            ["Input.ConfirmPassword"] = newPassword,
        });

    private static Task<HttpResponseMessage> RequestEmailChangeAsync(HttpClient browser, string newAddress, string password) =>
        AccountForms.SubmitAsync(browser, "/Account/Manage/Email", new Dictionary<string, string>
        {
            ["Input.NewEmail"] = newAddress,
            ["Input.ConfirmEmail"] = newAddress,
            ["Input.CurrentPassword"] = password,
        });

    private async Task<Cers.Idp.Accounts.CersUser> FindAsync(string id)
    {
        await using var scope = idp.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IdpDbContext>().Users.AsNoTracking().SingleAsync(u => u.Id == id);
    }

    private async Task<List<string>> AuditKindsOfAsync(string id)
    {
        await using var scope = idp.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IdpDbContext>().AuditEvents.Where(a => a.SubjectId == id).Select(a => a.Kind).ToListAsync();
    }
}
