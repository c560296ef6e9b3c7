using System.Net;
using AngleSharp.Html.Parser;
using Cers.Contracts;
using Cers.Idp.Accounts;
using Cers.Idp.Audit;
using Cers.Idp.Data;
using Cers.Idp.Tests.Infrastructure;
using Cers.Idp.Tests.Mfa;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cers.Idp.Tests.Admin;

/// <summary>
/// The help desk at <c>/Admin/Accounts</c>: finding an account by name, its page (state, audit trail, Email History), and
/// the answers to "I never got my email" and "I am locked out", each audited with the admin's name.
/// </summary>
[Collection(IdpCollection.Name)]
public sealed class HelpDeskTests(IdpFactory idp)
{
    private const string Admin = "cersadmin1";

    [Fact]
    public async Task An_account_is_found_by_its_first_name_last_name_or_both_whatever_their_case_and_a_wildcard_matches_nothing_more()
    {
        var user = await CreateNamedUserAsync("Marisol", "Quintanilla" + Guid.NewGuid().ToString("N")[..6]);
        using var admin = await SignedInAdminAsync();

        foreach (var term in new[] { user.LastName, user.LastName.ToLowerInvariant(), $"marisol {user.LastName[..8]}" })
        {
            var rows = await ResultRowsAsync(admin, term);
            rows.ShouldContain(user.UserName!, $"searching for '{term}'");
        }

        // The term's own % and _ are literal characters, not LIKE wildcards.
        (await ResultRowsAsync(admin, "%" + user.LastName[1..])).ShouldNotContain(user.UserName!);
        (await ResultRowsAsync(admin, "_" + user.LastName[1..])).ShouldNotContain(user.UserName!);
    }

    [Fact]
    public async Task I_never_got_my_email_the_admin_sees_the_pending_account_and_its_email_and_sends_a_new_link_that_works()
    {
        var applicant = Applicant.New();
        using var browser = idp.CreateBrowser();
        await AccountForms.RegisterAcceptedAsync(browser, applicant);
        var first = AccountForms.LinkIn(await idp.Smtp.WaitForAsync(applicant.Email, "Activate your CERS account"), "/Account/Activate");
        var id = await idp.Services.QueryAsync(db => db.Users.Where(u => u.UserName == applicant.UserName).Select(u => u.Id).SingleAsync());
        await OutboxDrain.WaitUntilDeliveredAsync<IdpDbContext>(idp.Services);

        using var admin = await SignedInAdminAsync();
        var page = await admin.GetAsync($"/Admin/Accounts/Account?id={id}");
        var document = await ParseAsync(page);
        document.QuerySelector("[data-testid=status]")!.TextContent.ShouldBe(nameof(AccountStatus.PendingActivation));
        document.QuerySelectorAll("[data-testid=emails] tbody tr[data-kind=activation] [data-state=Sent]").Length.ShouldBe(1);
        document.QuerySelectorAll("[data-testid=audit] tbody tr[data-kind=registered]").Length.ShouldBe(1);

        var resent = await PostAsync(admin, page, "ResendActivation");
        (await resent.Content.ReadAsStringAsync()).ShouldContain("A new activation link is on its way");
        var second = AccountForms.LinkIn((await idp.Smtp.WaitForCountAsync(applicant.Email, "Activate your CERS account", 2))[1], "/Account/Activate");
        second.ShouldNotBe(first);

        // The older link stopped working; the new one activates.
        (await AccountForms.TitleOfAsync(await browser.GetAsync(first))).ShouldNotBe("Activate your account");
        (await AccountForms.ActivateAsync(browser, second, applicant.Password)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await idp.Services.QueryAsync(db => db.Users.SingleAsync(u => u.Id == id))).Status.ShouldBe(AccountStatus.Active);

        var audited = await idp.Services.QueryAsync(db => db.AuditEvents.SingleAsync(a => a.SubjectId == id && a.Kind == AuditKinds.ActivationResent));
        audited.Detail.ShouldBe($"by {Admin}");
        var trail = await ParseAsync(await admin.GetAsync($"/Admin/Accounts/Account?id={id}"));
        trail.QuerySelector("[data-testid=audit] tbody tr[data-kind=activation-resent]")!.TextContent.ShouldContain($"by {Admin}");
        trail.QuerySelectorAll("[data-testid=emails] tbody tr[data-kind=activation]").Length.ShouldBe(2);

        // An active account has no link to send: the action is not offered, and a forged post changes nothing.
        trail.QuerySelector("form[action*='handler=ResendActivation']").ShouldBeNull();
        var refused = await PostAsync(admin, page, "ResendActivation");
        (await refused.Content.ReadAsStringAsync()).ShouldContain("Only an account waiting for activation");
        (await idp.Services.QueryAsync(db => db.EmailOutbox.CountAsync(e => e.RecipientId == id && e.Kind == "activation"))).ShouldBe(2);
    }

    [Fact]
    public async Task A_locked_out_account_is_shown_locked_and_the_admin_unlocks_it_so_the_right_password_signs_in()
    {
        const string Password = "a long enough test password";
        var user = await idp.CreateUserAsync(Password);
        using var browser = idp.CreateBrowser();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            await BrowserSignIn.PostLoginAsync(browser, new Uri(idp.BaseAddress, "/Account/Login"), user.UserName!, "not the password " + attempt);
        }

        (await BrowserSignIn.PostLoginAsync(browser, new Uri(idp.BaseAddress, "/Account/Login"), user.UserName!, Password)).StatusCode.ShouldNotBe(HttpStatusCode.Redirect);

        using var admin = await SignedInAdminAsync();
        var page = await admin.GetAsync($"/Admin/Accounts/Account?id={user.Id}");
        (await ParseAsync(page)).QuerySelector("[data-testid=locked]")!.TextContent.ShouldStartWith("Until ");
        var unlocked = await PostAsync(admin, page, "Unlock");
        (await unlocked.Content.ReadAsStringAsync()).ShouldContain("The account is unlocked");
        (await ParseAsync(unlocked)).QuerySelector("[data-testid=locked]")!.TextContent.ShouldBe("No");

        (await BrowserSignIn.PostLoginAsync(browser, new Uri(idp.BaseAddress, "/Account/Login"), user.UserName!, Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await idp.Services.QueryAsync(db => db.AuditEvents.SingleAsync(a => a.SubjectId == user.Id && a.Kind == AuditKinds.Unlocked))).Detail.ShouldBe($"by {Admin}");

        // Not locked any more: a second unlock says so and records nothing.
        (await (await PostAsync(admin, page, "Unlock")).Content.ReadAsStringAsync()).ShouldContain("The account is not locked");
        (await idp.Services.QueryAsync(db => db.AuditEvents.CountAsync(a => a.SubjectId == user.Id && a.Kind == AuditKinds.Unlocked))).ShouldBe(1);
    }

    [Fact]
    public async Task An_unlock_also_ends_the_window_of_attempts_made_while_locked_so_the_person_is_not_turned_away_as_too_many()
    {
        const string Password = "a long enough test password";
        await using var isolated = IsolatedIdp.Start(false,
            ("RateLimits:SignInPerUserName:PermitLimit", "6"), ("RateLimits:SignInPerUserName:Window", "01:00:00"));
        var userName = "locked" + Guid.NewGuid().ToString("N")[..8];
        var id = await isolated.Host.CreateActiveAccountAsync(userName, "Lee", "Locked", Password);
        var login = new Uri(isolated.Host.BaseAddress, "/Account/Login");
        using var browser = isolated.CreateBrowser();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            await BrowserSignIn.PostLoginAsync(browser, login, userName, "not the password " + attempt);
        }

        // Locked after five; the person keeps trying with the right password until the per-username window refuses them.
        (await BrowserSignIn.PostLoginAsync(browser, login, userName, Password)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await BrowserSignIn.PostLoginAsync(browser, login, userName, Password)).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);

        await using (var scope = isolated.Services.CreateAsyncScope())
        {
            (await scope.ServiceProvider.GetRequiredService<AccountAdministration>().UnlockAsync(id, Admin, CancellationToken.None)).ShouldBeTrue();
        }

        (await BrowserSignIn.PostLoginAsync(browser, login, userName, Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task The_account_page_is_for_CERS_admins_only_and_a_bad_id_is_not_found()
    {
        var user = await idp.CreateUserAsync();
        var path = $"/Admin/Accounts/Account?id={user.Id}";

        using var anonymous = idp.CreateBrowser();
        (await anonymous.GetAsync(path)).Headers.Location!.ToString().ShouldContain("/Account/Login");

        using var ordinary = idp.CreateBrowser();
        await BrowserSignIn.PostLoginAsync(ordinary, new Uri(idp.BaseAddress, "/Account/Login"), user.UserName!, "a long enough test password");
        (await ordinary.GetAsync(path)).Headers.Location!.AbsolutePath.ShouldBe("/Account/AccessDenied");

        using var admin = await SignedInAdminAsync();
        var page = await admin.GetAsync(path);
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        Accessibility.HostedPageStructureTests.AssertStructure(await ParseAsync(page));
        Accessibility.HostedPageStructureTests.AssertStructure(await ParseAsync(await admin.GetAsync($"/Admin/Accounts?Search={user.UserName}")));
        (await admin.GetAsync(path + "&events=abc&emails=-4")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await admin.GetAsync("/Admin/Accounts/Account?id=no-such-account")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await admin.GetAsync("/Admin/Accounts/Account?id=" + new string('x', 500))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await admin.GetAsync("/Admin/Accounts/Account")).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        // An action without the page's anti-forgery token is refused and changes nothing.
        var forged = await admin.PostAsync(path + "&handler=Disable", new FormUrlEncodedContent([]));
        forged.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await idp.Services.QueryAsync(db => db.Users.SingleAsync(u => u.Id == user.Id))).Status.ShouldBe(AccountStatus.Active);
    }

    [Fact]
    public async Task An_admin_s_own_account_offers_no_actions_and_a_forged_action_on_it_changes_nothing()
    {
        var other = await idp.CreateUserAsync();
        var self = await idp.Services.QueryAsync(db => db.Users.Where(u => u.UserName == Admin).Select(u => u.Id).SingleAsync());
        using var admin = await SignedInAdminAsync();

        // In search results and on its page, the admin's own account says where to change it, and offers no form.
        var found = await ParseAsync(await admin.GetAsync($"/Admin/Accounts?Search={Admin}"));
        found.QuerySelectorAll($"form[action*='id={self}']").ShouldBeEmpty();
        found.QuerySelector("[data-testid=own-account]").ShouldNotBeNull();
        var own = await ParseAsync(await admin.GetAsync($"/Admin/Accounts/Account?id={self}"));
        own.QuerySelectorAll("form[action*='handler=']").ShouldBeEmpty();
        own.QuerySelector("[data-testid=own-account]")!.TextContent.ShouldContain("ask another CERS admin");

        // Another account's forms, with their anti-forgery token, aimed at the admin's own account: refused, nothing changes.
        var page = await admin.GetAsync($"/Admin/Accounts/Account?id={other.Id}");
        foreach (var handler in new[] { "MakeRegulator", "Disable", "ResetFactors" })
        {
            var form = await AdminFormAsync(page, handler);
            var refused = await admin.PostAsync(new Uri(form.Action.ToString().Replace(other.Id, self, StringComparison.Ordinal)), new FormUrlEncodedContent(form.Fields));
            refused.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await refused.Content.ReadAsStringAsync()).ShouldContain("This is your own account", customMessage: handler);

            // An upper-case copy of the id names the same account where ids compare without regard to case (SQL Server's
            // default collation): refused there as the admin's own, and no account at all here.
            var shouted = await admin.PostAsync(new Uri(form.Action.ToString().Replace(other.Id, self.ToUpperInvariant(), StringComparison.Ordinal)),
                new FormUrlEncodedContent(form.Fields));
            if (shouted.StatusCode != HttpStatusCode.NotFound)
            {
                (await shouted.Content.ReadAsStringAsync()).ShouldContain("This is your own account", customMessage: handler);
            }
        }

        (await idp.Services.QueryAsync(db => db.UserClaims.AnyAsync(c => c.UserId == self && c.ClaimType == CersClaims.AgencyCode))).ShouldBeFalse();
        (await idp.Services.QueryAsync(db => db.Users.SingleAsync(u => u.Id == self))).Status.ShouldBe(AccountStatus.Active);
        (await idp.Services.QueryAsync(db => db.AuditEvents.AnyAsync(a => a.SubjectId == self
            && (a.Kind == AuditKinds.RoleChanged || a.Kind == AuditKinds.Disabled || a.Kind == AuditKinds.SignInFactorsReset)))).ShouldBeFalse();

        // The same form posted for the account it was made for works: the refusal is about whose account it is.
        var makeOther = await AdminFormAsync(page, "MakeRegulator");
        (await (await admin.PostAsync(makeOther.Action, new FormUrlEncodedContent(makeOther.Fields))).Content.ReadAsStringAsync())
            .ShouldContain("regulator staff of LAFD-CUPA");
    }

    /// <summary>The page's form for <paramref name="handler"/>, with an agency code where it asks for one.</summary>
    private static async Task<HtmlForm> AdminFormAsync(HttpResponseMessage page, string handler)
    {
        var form = await BrowserSignIn.ReadFormAsync(page, page.RequestMessage!.RequestUri!, $"form[action*='handler={handler}']");
        if (form.Fields.ContainsKey("agencyCode"))
        {
            form.Fields["agencyCode"] = "LAFD-CUPA";
        }

        return form;
    }

    private async Task<CersUser> CreateNamedUserAsync(string first, string last)
    {
        var user = await idp.CreateUserAsync();
        await using var scope = idp.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<CersUser>>();
        var stored = (await users.FindByIdAsync(user.Id))!;
        stored.FirstName = first;
        stored.LastName = last;
        (await users.UpdateAsync(stored)).Succeeded.ShouldBeTrue();
        return stored;
    }

    private async Task<HttpClient> SignedInAdminAsync()
    {
        var admin = idp.CreateBrowser();
        await BrowserSignIn.SignInWithSecondFactorAsync(admin, Admin, "help desk sample password 1");
        return admin;
    }

    private static async Task<List<string>> ResultRowsAsync(HttpClient admin, string term)
    {
        var document = await ParseAsync(await admin.GetAsync($"/Admin/Accounts?Search={Uri.EscapeDataString(term)}"));
        return [.. document.QuerySelectorAll("table.data tbody tr td:first-child a").Select(a => a.TextContent.Trim())];
    }

    private static async Task<AngleSharp.Html.Dom.IHtmlDocument> ParseAsync(HttpResponseMessage response) =>
        new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());

    private static async Task<HttpResponseMessage> PostAsync(HttpClient browser, HttpResponseMessage page, string handler)
    {
        var form = await BrowserSignIn.ReadFormAsync(page, page.RequestMessage!.RequestUri!, $"form[action*='handler={handler}']");
        return await browser.PostAsync(form.Action, new FormUrlEncodedContent(form.Fields));
    }
}
