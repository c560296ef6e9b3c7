using Cers.BusinessPortal.Tests.Infrastructure;

namespace Cers.BusinessPortal.Tests.Memberships;

[Collection(PortalCollection.Name)]
public sealed class MembersTests(PortalFixture fixture)
{
    [Fact]
    public async Task A_Lead_User_changes_a_members_role_removes_them_and_cannot_demote_the_last_Lead_User()
    {
        var lead = await fixture.CreateAccountAsync("Lena");
        var member = await fixture.CreateAccountAsync("Milo");
        var number = UniqueNames.Number();
        var business = UniqueNames.Word() + " Chemicals";
        using var leadBrowser = fixture.NewBrowser();
        using var memberBrowser = fixture.NewBrowser();
        await leadBrowser.SignInAsync(lead);
        await leadBrowser.AddFacilityAsync(business, $"{number} {UniqueNames.Word()} Pl");
        await memberBrowser.SignInAsync(member);
        await memberBrowser.RequestAccessAsync(number, business, role: "Viewer");
        var decide = await leadBrowser.FollowLinkAsync(await leadBrowser.OpenAsync("/"), $"Review request from {member.DisplayName}");
        await leadBrowser.SubmitAsync(decide, "form[action*=Approve]");

        var members = await leadBrowser.FollowLinkAsync(await leadBrowser.OpenAsync("/"), $"Members of {business}");
        var rows = members.Document.QuerySelectorAll("[data-testid=members] tbody tr");
        rows.Length.ShouldBe(2);
        var memberRow = rows.Single(r => r.TextContent.Contains(member.DisplayName, StringComparison.Ordinal));
        var roleField = memberRow.QuerySelector("select")!.Id!;
        var changed = await leadBrowser.SubmitAsync(members, $"form:has(#{roleField})", new() { [roleField] = "Editor" });
        changed.Text.ShouldContain($"{member.DisplayName} is now Editor.");
        (await memberBrowser.OpenAsync("/")).Document.QuerySelector("[data-testid=businesses]")!.TextContent.ShouldContain("Editor");

        // The only Lead User cannot make themself a Viewer: the business would have nobody to manage it.
        var leadRow = changed.Document.QuerySelectorAll("[data-testid=members] tbody tr")
            .Single(r => r.TextContent.Contains(lead.DisplayName, StringComparison.Ordinal));
        var leadField = leadRow.QuerySelector("select")!.Id!;
        var refused = await leadBrowser.SubmitAsync(changed, $"form:has(#{leadField})", new() { [leadField] = "Viewer" });
        refused.FieldError(leadField).ShouldStartWith("The business must keep at least one active Lead User");
        refused.Errors.ShouldContain(error => error.Target == "#" + leadField);

        var removeForm = refused.Document.QuerySelectorAll("[data-testid=members] tbody tr")
            .Single(r => r.TextContent.Contains(member.DisplayName, StringComparison.Ordinal)).QuerySelector("form[action*=Remove]")!;
        removeForm.SetAttribute("id", "remove-member");
        var removed = await leadBrowser.SubmitAsync(refused, "#remove-member");
        removed.Text.ShouldContain($"{member.DisplayName} no longer has access to the business.");
        (await memberBrowser.OpenAsync("/")).Document.QuerySelector("[data-testid=businesses]").ShouldBeNull();
    }

    [Fact]
    public async Task A_change_made_on_a_stale_members_page_is_refused_with_a_clear_message()
    {
        var lead = await fixture.CreateAccountAsync();
        var member = await fixture.CreateAccountAsync("Mara");
        var number = UniqueNames.Number();
        var business = UniqueNames.Word() + " Paints";
        using var leadBrowser = fixture.NewBrowser();
        using var memberBrowser = fixture.NewBrowser();
        await leadBrowser.SignInAsync(lead);
        await leadBrowser.AddFacilityAsync(business, $"{number} {UniqueNames.Word()} Dr");
        await memberBrowser.SignInAsync(member);
        await memberBrowser.RequestAccessAsync(number, business);
        await leadBrowser.SubmitAsync(await leadBrowser.FollowLinkAsync(await leadBrowser.OpenAsync("/"), $"Review request from {member.DisplayName}"),
            "form[action*=Approve]");

        var firstTab = await leadBrowser.FollowLinkAsync(await leadBrowser.OpenAsync("/"), $"Members of {business}");
        var roleField = firstTab.Document.QuerySelectorAll("[data-testid=members] tbody tr")
            .Single(r => r.TextContent.Contains(member.DisplayName, StringComparison.Ordinal)).QuerySelector("select")!.Id!;
        await leadBrowser.SubmitAsync(firstTab, $"form:has(#{roleField})", new() { [roleField] = "Approver" });
        var stale = await leadBrowser.SubmitAsync(firstTab, $"form:has(#{roleField})", new() { [roleField] = "Editor" });

        stale.Errors.Select(e => e.Text).ShouldContain(text => text.StartsWith("Someone else changed this member", StringComparison.Ordinal));
        (await memberBrowser.OpenAsync("/")).Document.QuerySelector("[data-testid=businesses]")!.TextContent.ShouldContain("Approver");
    }
}
