using System.Net;
using Cers.Idp.Accounts;
using Cers.Idp.Audit;
using Cers.Idp.Data;
using Cers.Idp.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cers.Idp.Tests.Registration;

/// <summary>
/// Account pre-hijacking, as a security review tried it: a stranger registers a pending account with
/// someone else's email and a password of their own, and waits for the owner to activate it. An unverified
/// account never holds an address: the owner's own registration replaces the pending one. And a link
/// activates only with the password of its account, so the owner cannot be led into activating a
/// stranger's account, nor the stranger activate one without the owner's mailbox.
/// </summary>
[Collection(IdpCollection.Name)]
public sealed class AccountPreHijackingTests(IdpFactory idp)
{
    [Fact]
    public async Task The_owners_registration_replaces_a_strangers_pending_account_on_their_email_and_only_the_owner_can_sign_in()
    {
        var owner = Applicant.New();
        var squatter = Applicant.New() with { Email = owner.Email };
        using (var squatterBrowser = idp.CreateBrowser())
        {
            await AccountForms.RegisterAcceptedAsync(squatterBrowser, squatter);
        }

        var squattersLink = AccountForms.LinkIn(await idp.Smtp.WaitForAsync(owner.Email, "Activate your CERS account"), "/Account/Activate");

        using var browser = idp.CreateBrowser();
        await AccountForms.RegisterAcceptedAsync(browser, owner);

        await idp.Smtp.WaitForCountAsync(owner.Email, "Activate your CERS account", 2);
        var ownersEmail = idp.Smtp.Find(owner.Email, "Activate your CERS account")
            .Single(m => m.TextBody!.Contains($"with the username {owner.UserName}", StringComparison.Ordinal));
        ownersEmail.TextBody.ShouldNotBeNull().ShouldNotContain(squatter.UserName);
        var ownersLink = AccountForms.LinkIn(ownersEmail, "/Account/Activate");

        // The page names the account the link activates before anything happens.
        var confirm = await (await browser.GetAsync(ownersLink)).Content.ReadAsStringAsync();
        confirm.ShouldContain($"with the username <strong>{owner.UserName}</strong>");
        (await AccountForms.TitleOfAsync(await AccountForms.ActivateAsync(browser, ownersLink, owner.Password))).ShouldBe("Your account is active");

        // The stranger's account is gone with its link; the owner's password signs in, the stranger's does not.
        (await AccountForms.TitleOfAsync(await AccountForms.ActivateAsync(browser, squattersLink, squatter.Password))).ShouldBe("This activation link has expired");
        await using (var scope = idp.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<IdpDbContext>();
            var normalized = owner.Email.ToUpperInvariant();
            var holders = await db.Users.AsNoTracking().Where(u => u.NormalizedEmail == normalized).ToListAsync();
            holders.ShouldHaveSingleItem().UserName.ShouldBe(owner.UserName);
            holders[0].Status.ShouldBe(AccountStatus.Active);
            (await db.Users.AnyAsync(u => u.UserName == squatter.UserName)).ShouldBeFalse();
            (await db.AuditEvents.CountAsync(a => a.Kind == AuditKinds.PendingReplaced && a.UserName == squatter.UserName)).ShouldBe(1);
        }

        using var signIn = idp.CreateBrowser();
        var refused = await BrowserSignIn.PostLoginAsync(signIn, new Uri(idp.BaseAddress, "/Account/Login"), squatter.UserName, squatter.Password);
        (await BrowserSignIn.ReadErrorsAsync(refused)).ShouldBe([Pages.Account.Login.IndexModel.FailureMessage]);
        var code = await BrowserSignIn.SignInAsync(idp, signIn, owner.UserName, owner.Password);
        code.Code.ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task A_stranger_registering_over_an_active_account_captures_nothing_and_the_owner_is_told()
    {
        var owner = await idp.CreateUserAsync("a long enough owner password");
        var squatter = Applicant.New() with { Email = owner.Email! };

        using var browser = idp.CreateBrowser();
        var answer = await AccountForms.RegisterAsync(browser, squatter);

        answer.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await idp.Smtp.WaitForAsync(owner.Email!, "Your CERS account request")).TextBody.ShouldNotBeNull().ShouldContain(owner.UserName!);
        await using var scope = idp.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdpDbContext>();
        (await db.Users.AnyAsync(u => u.UserName == squatter.UserName)).ShouldBeFalse();
        (await db.Users.SingleAsync(u => u.Id == owner.Id)).Status.ShouldBe(AccountStatus.Active);
    }

    [Fact]
    public async Task A_registration_whose_username_another_account_holds_does_not_replace_the_pending_account_on_its_email()
    {
        var pending = Applicant.New();
        using (var first = idp.CreateBrowser())
        {
            await AccountForms.RegisterAcceptedAsync(first, pending);
        }

        var other = await idp.CreateUserAsync("a long enough other password");
        var clash = Applicant.New() with { Email = pending.Email, UserName = other.UserName! };

        using var browser = idp.CreateBrowser();
        (await AccountForms.RegisterAsync(browser, clash)).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        await using var scope = idp.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdpDbContext>();
        (await db.Users.SingleAsync(u => u.UserName == pending.UserName)).Status.ShouldBe(AccountStatus.PendingActivation);
        (await db.Users.SingleAsync(u => u.Id == other.Id)).Email.ShouldBe(other.Email);
    }

    [Fact]
    public async Task A_stranger_who_registers_over_the_owners_pending_account_gains_nothing_and_the_owner_cannot_activate_theirs()
    {
        var owner = Applicant.New();
        using var browser = idp.CreateBrowser();
        await AccountForms.RegisterAcceptedAsync(browser, owner);
        var squatter = Applicant.New() with { Email = owner.Email };
        using (var stranger = idp.CreateBrowser())
        {
            await AccountForms.RegisterAcceptedAsync(stranger, squatter);
        }

        await idp.Smtp.WaitForCountAsync(owner.Email, "Activate your CERS account", 2);
        var squattersLink = AccountForms.LinkIn(idp.Smtp.Find(owner.Email, "Activate your CERS account")
            .Single(m => m.TextBody!.Contains($"with the username {squatter.UserName}", StringComparison.Ordinal)), "/Account/Activate");

        // The owner, following the only working link, is asked for the password of an account they did not create.
        var refused = await AccountForms.ActivateAsync(browser, squattersLink, owner.Password);
        (await AccountForms.TitleOfAsync(refused)).ShouldBe("Activate your account");
        (await AccountForms.FieldErrorsAsync(refused))["Password"].ShouldBe(Pages.Account.Activate.IndexModel.WrongPasswordMessage);
        await using (var scope = idp.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<IdpDbContext>();
            (await db.Users.SingleAsync(u => u.UserName == squatter.UserName)).Status.ShouldBe(AccountStatus.PendingActivation);
        }

        // Registering again takes the address back, and the owner's own link and password activate the owner's account.
        await AccountForms.RegisterAcceptedAsync(browser, owner with { UserName = owner.UserName + "b" });
        await idp.Smtp.WaitForCountAsync(owner.Email, "Activate your CERS account", 3);
        var ownersLink = AccountForms.LinkIn(idp.Smtp.Find(owner.Email, "Activate your CERS account")
            .Single(m => m.TextBody!.Contains($"with the username {owner.UserName}b", StringComparison.Ordinal)), "/Account/Activate");
        (await AccountForms.TitleOfAsync(await AccountForms.ActivateAsync(browser, ownersLink, owner.Password))).ShouldBe("Your account is active");
    }

    [Fact]
    public async Task Registrations_with_the_address_in_other_capitals_share_its_daily_cap_of_activation_emails()
    {
        var email = $"Capitals.{Guid.NewGuid():N}@Example.com";
        for (var i = 0; i < 7; i++)
        {
            var spelled = i % 2 == 0 ? email.ToUpperInvariant() : email.ToLowerInvariant();
            using var browser = idp.CreateBrowser();
            (await AccountForms.RegisterAsync(browser, Applicant.New() with { Email = spelled })).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        }

        await idp.Smtp.WaitForCountAsync(email.ToLowerInvariant(), "Activate your CERS account", 5);
        await Task.Delay(1500);
        idp.Smtp.Messages.Count(m => m.To.Mailboxes.Any(b => string.Equals(b.Address, email, StringComparison.OrdinalIgnoreCase))
            && m.Subject == "Activate your CERS account").ShouldBe(5);
    }
}
