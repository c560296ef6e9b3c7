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
        var lead = await fixture.CreateAccountAsync("Lena");
        var invitee = await fixture.CreateAccountAsync("Ivo");
        var stranger = await fixture.CreateAccountAsync("Sam");
        var business = UniqueNames.Word() + " Metals";
        using var leadBrowser = fixture.NewBrowser();
        await leadBrowser.SignInAsync(lead);
        await leadBrowser.AddFacilityAsync(business, $"{UniqueNames.Number()} {UniqueNames.Word()} Way");
        var members = await leadBrowser.FollowLinkAsync(await leadBrowser.OpenAsync("/"), $"Members of {business}");

        var refused = await leadBrowser.SubmitAsync(members, "[data-testid=invite]", new() { ["invite-email"] = "not an address" });
        refused.FieldError("invite-email").ShouldStartWith("Enter one email address");
        refused.Errors.ShouldContain(error => error.Target == "#invite-email");

        var inviteeEmail = $"{invitee.UserName}@example.com";
        var invited = await leadBrowser.SubmitAsync(members, "[data-testid=invite]", new() { ["invite-email"] = inviteeEmail, ["invite-role"] = "Editor" });
        invited.Text.ShouldContain($"An invitation is on its way to {inviteeEmail}");
        invited.Document.QuerySelector("[data-testid=invitations]")!.TextContent.ShouldContain(inviteeEmail);
        var link = LinkIn((await fixture.Smtp.WaitForAsync(inviteeEmail, $"invited you to {business}")).TextBody!);

        // Someone the link was forwarded to sees what it is for but cannot take it.
        using var strangerBrowser = fixture.NewBrowser();
        await strangerBrowser.SignInAsync(stranger);
        var strangerView = await strangerBrowser.OpenAsync(link);
        strangerView.Document.QuerySelector("[data-testid=invitation]")!.TextContent.ShouldContain(business);
        var notTheirs = await strangerBrowser.SubmitAsync(strangerView, "main form");
        notTheirs.Errors.Select(e => e.Text).ShouldContain(t => t.StartsWith("This invitation was sent to another email address", StringComparison.Ordinal));

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
        var lead = await fixture.CreateAccountAsync("Lou");
        var business = UniqueNames.Word() + " Plating";
        using var leadBrowser = fixture.NewBrowser();
        await leadBrowser.SignInAsync(lead);
        await leadBrowser.AddFacilityAsync(business, $"{UniqueNames.Number()} {UniqueNames.Word()} Ct");
        var members = await leadBrowser.FollowLinkAsync(await leadBrowser.OpenAsync("/"), $"Members of {business}");
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
