using Cers.BusinessPortal.Tests.Infrastructure;

namespace Cers.BusinessPortal.Tests.Regulator;

/// <summary>
/// The regulator console's pages through the real API and provider: finding a facility and its business, removing a Lead User
/// who left, making a member Lead User, a stale change refused with a message, and the pages' word to anyone not a regulator.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class RegulatorConsolePagesTests(PortalFixture fixture)
{
    [Fact]
    public async Task A_regulator_finds_the_business_removes_its_Lead_User_who_left_and_makes_a_member_Lead_User()
    {
        using var leadBrowser = fixture.NewBrowser();
        using var memberBrowser = fixture.NewBrowser();
        var (lead, member, business) = await BusinessWithTwoMembersAsync(leadBrowser, memberBrowser, "Lena", "Milo");
        using var browser = await SignedInRegulatorAsync("Rhea");

        var facilities = await browser.FollowLinkAsync(await browser.OpenAsync("/Regulator"), "Facilities in your jurisdiction");
        var found = await browser.SubmitAsync(facilities, "form[data-testid=search]", new() { ["q"] = business.ToLowerInvariant() });
        found.Document.QuerySelector("[data-testid=total]")!.TextContent.ShouldEndWith(": 1");
        found.Document.QuerySelectorAll("[data-testid=facilities] tbody tr").ShouldHaveSingleItem().TextContent.ShouldContain($"{business} Yard");

        var page = await browser.FollowLinkAsync(found, business);
        page.Document.QuerySelector("h1")!.TextContent.ShouldStartWith(business);
        page.Document.QuerySelectorAll("[data-testid=members] tbody tr").Length.ShouldBe(2);
        page.Document.QuerySelector("[data-testid=no-lead-user]").ShouldBeNull();
        page.Document.QuerySelectorAll("button").ShouldNotContain(b => b.TextContent.Contains("Lead User", StringComparison.Ordinal));

        var removed = await browser.SubmitAsync(page, FormOf(page, lead.DisplayName, "Remove"));
        removed.Text.ShouldContain($"{lead.DisplayName} no longer has access to the business.");
        removed.Document.QuerySelector("[data-testid=no-lead-user]").ShouldNotBeNull();
        (await leadBrowser.OpenAsync("/")).Document.QuerySelector("[data-testid=businesses]").ShouldBeNull();

        var appointed = await browser.SubmitAsync(removed, FormOf(removed, member.DisplayName, "LeadUser"));
        appointed.Text.ShouldContain($"{member.DisplayName} is now the business's Lead User.");
        appointed.Document.QuerySelector("[data-testid=no-lead-user]").ShouldBeNull();
        (await memberBrowser.OpenAsync("/")).Document.QuerySelector("[data-testid=businesses]")!.TextContent.ShouldContain("Lead User");

        var listed = await browser.OpenAsync("/Regulator/Businesses?q=" + Uri.EscapeDataString(business));
        listed.Document.QuerySelectorAll("[data-testid=businesses] tbody tr").ShouldHaveSingleItem().QuerySelectorAll("td")
            .Select(c => c.TextContent.Trim()).Skip(2).ShouldBe(["1", "1", "Yes"]);
    }

    [Fact]
    public async Task A_removal_from_a_stale_page_is_refused_with_a_message_and_a_business_user_is_told_the_pages_are_for_regulators()
    {
        using var leadBrowser = fixture.NewBrowser();
        using var memberBrowser = fixture.NewBrowser();
        var (_, member, business) = await BusinessWithTwoMembersAsync(leadBrowser, memberBrowser, "Lars", "Mina");
        using var browser = await SignedInRegulatorAsync("Rosa");
        var listed = await browser.OpenAsync("/Regulator/Businesses?q=" + Uri.EscapeDataString(business));
        var stale = await browser.FollowLinkAsync(listed, business);

        // The Lead User changes the member's role after the regulator's page was shown.
        var members = await leadBrowser.FollowLinkAsync(await leadBrowser.OpenAsync("/"), $"Members of {business}");
        var roleField = members.Document.QuerySelectorAll("[data-testid=members] tbody tr")
            .Single(r => r.TextContent.Contains(member.DisplayName, StringComparison.Ordinal)).QuerySelector("select")!.Id!;
        await leadBrowser.SubmitAsync(members, $"form:has(#{roleField})", new() { [roleField] = "Editor" });

        var refused = await browser.SubmitAsync(stale, FormOf(stale, member.DisplayName, "Remove"));
        refused.Errors.Select(e => e.Text).ShouldContain(text => text.StartsWith("Someone else changed this member", StringComparison.Ordinal));
        (await memberBrowser.OpenAsync("/")).Document.QuerySelector("[data-testid=businesses]")!.TextContent.ShouldContain("Editor");

        foreach (var path in new[] { "/Regulator/Facilities", "/Regulator/Businesses", "/Regulator/Business?code=00000000" })
        {
            var asBusinessUser = await leadBrowser.OpenAsync(path);
            asBusinessUser.Text.ShouldContain("This page is for regulator staff.");
            asBusinessUser.Document.QuerySelector("table").ShouldBeNull();
        }

        (await browser.OpenAsync("/Regulator/Business?code=00000000")).Text.ShouldContain("No business with a facility in your jurisdiction");
    }

    /// <summary>A browser signed in as new regulator staff of SAC-EMD, whose jurisdiction holds Sacramento.</summary>
    private async Task<PortalBrowser> SignedInRegulatorAsync(string name)
    {
        var browser = fixture.NewBrowser();
        await browser.SignInAsync(await fixture.CreateAccountAsync(name, agencyCode: "SAC-EMD"));
        return browser;
    }

    /// <summary>A new Sacramento business added by a Lead User, and a second person granted Viewer on request; both signed in.</summary>
    private async Task<(TestAccount Lead, TestAccount Member, string Business)> BusinessWithTwoMembersAsync(PortalBrowser leadBrowser,
        PortalBrowser memberBrowser, string leadName, string memberName)
    {
        var lead = await fixture.CreateAccountAsync(leadName);
        var member = await fixture.CreateAccountAsync(memberName);
        var number = UniqueNames.Number();
        var business = UniqueNames.Word() + " Refinery";
        await leadBrowser.SignInAsync(lead);
        await leadBrowser.AddFacilityAsync(business, $"{number} {UniqueNames.Word()} Way");
        await memberBrowser.SignInAsync(member);
        await memberBrowser.RequestAccessAsync(number, business, role: "Viewer");
        await leadBrowser.SubmitAsync(await leadBrowser.FollowLinkAsync(await leadBrowser.OpenAsync("/"), $"Review request from {member.DisplayName}"),
            "form[action*=Approve]");
        return (lead, member, business);
    }

    /// <summary>The selector of the <paramref name="handler"/> form in the members table's row of <paramref name="name"/>, given an id.</summary>
    private static string FormOf(BrowserPage page, string name, string handler)
    {
        var form = page.Document.QuerySelectorAll("[data-testid=members] tbody tr")
            .Single(r => r.TextContent.Contains(name, StringComparison.Ordinal))
            .QuerySelector($"form[action*='handler={handler}']").ShouldNotBeNull($"no {handler} form for {name}");
        var id = $"{handler.ToLowerInvariant()}-{Guid.NewGuid():N}";
        form.SetAttribute("id", id);
        return "#" + id;
    }
}
