using System.Net;
using System.Text.RegularExpressions;
using Cers.BusinessPortal.Tests.Infrastructure;

namespace Cers.BusinessPortal.Tests.Invitations;

/// <summary>
/// Lead User "Add Person" in the portal: the invitation form and pending list on the members page, the emailed link's
/// page, accepting it with the invited account (and not with another), and a revoked link.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed partial class InvitationPagesTests(PortalFixture fixture)
{
    [Fact]
    public async Task A_Lead_User_adds_a_person_who_accepts_from_the_emailed_link_and_another_account_cannot()
    {
        var invitee = await fixture.CreateAccountAsync("Ivo");
        var stranger = await fixture.CreateAccountAsync("Sam");
        var business = UniqueNames.Word() + " Metals";
        using var leadBrowser = fixture.NewBrowser();
        var (_, members) = await LeadUserOfNewBusinessAsync(leadBrowser, "Lena", business);

        var refused = await leadBrowser.SubmitAsync(members, "[data-testid=invite]", new() { ["invite-email"] = "not an address" });
        refused.FieldError("invite-email").ShouldStartWith("Enter one email address");
        refused.Errors.ShouldContain(error => error.Target == "#invite-email");

        var inviteeEmail = $"{invitee.UserName}@example.com";
        var invited = await leadBrowser.SubmitAsync(members, "[data-testid=invite]", new() { ["invite-email"] = inviteeEmail, ["invite-role"] = "Editor" });
        invited.Text.ShouldContain($"An invitation is on its way to {inviteeEmail}");
        invited.Document.QuerySelector("[data-testid=invitations]")!.TextContent.ShouldContain(inviteeEmail);
        var link = LinkIn((await fixture.Smtp.WaitForAsync(inviteeEmail, $"invited you to {business}")).TextBody!);

        // Someone the link was forwarded to sees what it is for but is told it is not theirs to take (the API refuses them too).
        using var strangerBrowser = fixture.NewBrowser();
        await strangerBrowser.SignInAsync(stranger);
        var strangerView = await strangerBrowser.OpenAsync(link);
        strangerView.Document.QuerySelector("[data-testid=invitation]")!.TextContent.ShouldContain(business);
        strangerView.Document.QuerySelector("[data-testid=state]")!.TextContent.ShouldStartWith("This invitation was sent to another email address");
        strangerView.Document.QuerySelector("main form").ShouldBeNull();

        using var inviteeBrowser = fixture.NewBrowser();
        await inviteeBrowser.SignInAsync(invitee);
        var page = await inviteeBrowser.OpenAsync(link);
        page.Status.ShouldBe(HttpStatusCode.OK);
        page.Document.QuerySelectorAll("h1").Length.ShouldBe(1);
        page.Document.QuerySelectorAll("script").ShouldBeEmpty();
        var accepted = await inviteeBrowser.SubmitAsync(page, "main form");
        accepted.Document.QuerySelector("[data-testid=accepted]")!.TextContent.ShouldContain($"You are now Editor of {business}");
        (await inviteeBrowser.OpenAsync("/")).Document.QuerySelector("[data-testid=businesses]")!.TextContent.ShouldContain(business);

        // Used once: the link now says so, and the pending list is empty.
        (await inviteeBrowser.OpenAsync(link)).Document.QuerySelector("[data-testid=state]")!.TextContent.ShouldBe("This invitation was already accepted.");
        (await leadBrowser.FollowLinkAsync(await leadBrowser.OpenAsync("/"), $"Members of {business}")).Document
            .QuerySelector("[data-testid=invitations]").ShouldBeNull();
    }

    [Fact]
    public async Task A_revoked_invitation_s_link_says_so()
    {
        using var leadBrowser = fixture.NewBrowser();
        var (_, members) = await LeadUserOfNewBusinessAsync(leadBrowser, "Lou", UniqueNames.Word() + " Plating");
        var address = $"revoked.{UniqueNames.Word()}@example.com".ToLowerInvariant();
        var invited = await leadBrowser.SubmitAsync(members, "[data-testid=invite]", new() { ["invite-email"] = address });
        var link = LinkIn((await fixture.Smtp.WaitForAsync(address, "invited you to")).TextBody!);

        var revoked = await leadBrowser.SubmitAsync(invited, "form[action*=RevokeInvitation]");
        revoked.Text.ShouldContain("The invitation is revoked");
        revoked.Document.QuerySelector("[data-testid=invitations]").ShouldBeNull();

        var anyone = await fixture.CreateAccountAsync();
        using var browser = fixture.NewBrowser();
        await browser.SignInAsync(anyone);
        (await browser.OpenAsync(link)).Document.QuerySelector("[data-testid=state]")!.TextContent.ShouldStartWith("This invitation was revoked");
        var bogus = await browser.OpenAsync("/Invitations/Accept?token=not-a-real-invitation-token-0000");
        bogus.Errors.Select(e => e.Text).ShouldContain(t => t.StartsWith("This invitation link is not valid", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_link_opened_before_signing_in_is_offered_on_the_home_page_to_the_invited_account_only()
    {
        var invitee = await fixture.CreateAccountAsync("Ines");
        var later = await fixture.CreateAccountAsync("Lars");
        var other = await fixture.CreateAccountAsync("Olaf");
        var business = UniqueNames.Word() + " Coatings";
        using var leadBrowser = fixture.NewBrowser();
        var (lead, members) = await LeadUserOfNewBusinessAsync(leadBrowser, "Lia", business);
        var link = await InviteAsync(leadBrowser, members, invitee, "Editor");
        var laterLink = await InviteAsync(leadBrowser, members, later, "Viewer");

        // Opened before signing in: the provider's sign-in form, nothing said of the invitation, and the link kept in
        // this browser, encrypted, where page scripts cannot read it.
        using var browser = fixture.NewBrowser();
        var opened = await browser.OpenAsync(link);
        opened.Address.AbsolutePath.ShouldBe("/Account/Login");
        opened.Text.ShouldNotContain(business);
        var kept = browser.Cookies.GetCookies(fixture.Portal.BaseAddress)["cers.portal.invitation"].ShouldNotBeNull();
        kept.HttpOnly.ShouldBeTrue();
        kept.Value.ShouldNotContain(link.Split('=')[1]);

        // The person went off to create their account; back at the portal, its home offers the invitation.
        var home = await browser.SignInAsync(invitee);
        home.Document.QuerySelector("[data-testid=opened-invitation]").ShouldNotBeNull(home.Text).TextContent
            .ShouldContain($"{lead.DisplayName} invited you to join {business} as Editor");
        var page = await browser.FollowLinkAsync(home, $"Open the invitation to {business}");
        var accepted = await browser.SubmitAsync(page, "main form");
        accepted.Document.QuerySelector("[data-testid=accepted]")!.TextContent.ShouldContain($"You are now Editor of {business}");
        browser.Cookies.GetCookies(fixture.Portal.BaseAddress)["cers.portal.invitation"].ShouldBeNull();
        (await browser.OpenAsync("/")).Document.QuerySelector("[data-testid=opened-invitation]").ShouldBeNull();

        // On a shared browser, someone else signing in is told nothing of it, and it stays for the person it was sent to,
        // who can set it aside without it being used up.
        using var shared = fixture.NewBrowser();
        (await shared.OpenAsync(laterLink)).Address.AbsolutePath.ShouldBe("/Account/Login");
        var othersHome = await shared.SignInAsync(other);
        othersHome.Document.QuerySelector("[data-testid=opened-invitation]").ShouldBeNull();
        othersHome.Text.ShouldNotContain(business);
        (await shared.OpenAsync("/Invitations/Accept?token=not-a-real-invitation-token-0000")).Errors.ShouldNotBeEmpty();
        await shared.SubmitAsync(othersHome, "form.sign-out");
        var laterHome = await shared.SignInAsync(later);
        laterHome.Document.QuerySelector("[data-testid=opened-invitation]").ShouldNotBeNull(laterHome.Text).TextContent.ShouldContain(business);
        var setAside = await shared.SubmitAsync(laterHome, "form[action*=ForgetInvitation]");
        setAside.Address.ShouldBe(new Uri(fixture.Portal.BaseAddress, "/"));
        setAside.Document.QuerySelector("[data-testid=opened-invitation]").ShouldBeNull();
        (await shared.OpenAsync(laterLink)).Document.QuerySelector("main form").ShouldNotBeNull("the invitation itself still stands");
    }

    /// <summary>A new account signs in with <paramref name="browser"/> and adds <paramref name="business"/>, becoming its Lead User; its members page.</summary>
    private async Task<(TestAccount Lead, BrowserPage Members)> LeadUserOfNewBusinessAsync(PortalBrowser browser, string firstName, string business)
    {
        var lead = await fixture.CreateAccountAsync(firstName);
        await browser.SignInAsync(lead);
        await browser.AddFacilityAsync(business, $"{UniqueNames.Number()} {UniqueNames.Word()} Way");
        return (lead, await browser.FollowLinkAsync(await browser.OpenAsync("/"), $"Members of {business}"));
    }

    /// <summary>The Lead User invites <paramref name="account"/>'s address from the members page; the emailed link.</summary>
    private async Task<string> InviteAsync(PortalBrowser leadBrowser, BrowserPage members, TestAccount account, string role)
    {
        var address = $"{account.UserName}@example.com";
        var invited = await leadBrowser.SubmitAsync(members, "[data-testid=invite]", new() { ["invite-email"] = address, ["invite-role"] = role });
        invited.Text.ShouldContain($"An invitation is on its way to {address}");
        return LinkIn((await fixture.Smtp.WaitForAsync(address, "invited you to")).TextBody!);
    }

    /// <summary>The emailed link's path and query, opened on the test's portal (the API's configured portal address is the AppHost's).</summary>
    private static string LinkIn(string body)
    {
        var link = AcceptLink().Match(body);
        link.Success.ShouldBeTrue(body);
        return link.Value;
    }

    [GeneratedRegex(@"/Invitations/Accept\?token=[A-Za-z0-9_-]+")]
    private static partial Regex AcceptLink();
}
