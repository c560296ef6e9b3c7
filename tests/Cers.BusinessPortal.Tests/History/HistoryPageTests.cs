using System.Net;
using Cers.BusinessPortal.Tests.Infrastructure;

namespace Cers.BusinessPortal.Tests.History;

/// <summary>A business's access history on the portal, through the real API and provider: the table, the CSV download, who gets them.</summary>
[Collection(PortalCollection.Name)]
public sealed class HistoryPageTests(PortalFixture fixture)
{
    [Fact]
    public async Task A_Lead_User_and_the_regulator_see_the_history_and_download_it_but_a_Viewer_does_not()
    {
        var lead = await fixture.CreateAccountAsync("Lena");
        var requester = await fixture.CreateAccountAsync("Ravi");
        var regulator = await fixture.CreateAccountAsync("Rhea", agencyCode: "SAC-EMD");
        var number = UniqueNames.Number();
        var business = UniqueNames.Word() + " Metals";
        using var leadBrowser = fixture.NewBrowser();
        using var browser = fixture.NewBrowser();
        using var regulatorBrowser = fixture.NewBrowser();
        await leadBrowser.SignInAsync(lead);
        await leadBrowser.AddFacilityAsync(business, $"{number} {UniqueNames.Word()} St");
        await browser.SignInAsync(requester);
        await browser.RequestAccessAsync(number, business, role: "Viewer");
        await regulatorBrowser.SignInAsync(regulator);

        // The regulator reaches it from the requests in their jurisdiction, before anyone decided.
        var asRegulator = await regulatorBrowser.FollowLinkAsync(await regulatorBrowser.OpenAsync("/Regulator"), $"Access history of {business}");
        asRegulator.Document.QuerySelector("h1")!.TextContent.ShouldBe($"Access history of {business}");
        asRegulator.Document.QuerySelectorAll("[data-testid=history] tbody tr").Select(r => r.GetAttribute("data-kind"))
            .ShouldBe(["requested", "facility-added"]);

        await leadBrowser.SubmitAsync(await leadBrowser.FollowLinkAsync(await leadBrowser.OpenAsync("/"), $"Review request from {requester.DisplayName}"),
            "form[action*=Approve]");
        var members = await leadBrowser.FollowLinkAsync(await leadBrowser.OpenAsync("/"), $"Members of {business}");
        var history = await leadBrowser.FollowLinkAsync(members, $"Access history of {business}");

        var rows = history.Document.QuerySelectorAll("[data-testid=history] tbody tr");
        rows.Select(r => r.GetAttribute("data-kind")).ShouldBe(["granted", "requested", "facility-added"]);
        var granted = rows[0].QuerySelectorAll("td").Select(c => c.TextContent.Trim()).ToList();
        granted[1..].ShouldBe(["Access granted", lead.DisplayName, requester.DisplayName, granted[4], "Role granted: Viewer."]);
        granted[4].ShouldEndWith(")");
        granted[4].ShouldStartWith($"{business} Yard (CERS ID ");

        var download = history.Document.QuerySelectorAll("a").Single(a => a.TextContent.StartsWith("Download CSV", StringComparison.Ordinal));
        using var csv = await leadBrowser.GetWithoutRedirectAsync(download.GetAttribute("href")!);
        csv.StatusCode.ShouldBe(HttpStatusCode.OK);
        csv.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        csv.Content.Headers.ContentDisposition!.FileName.ShouldNotBeNull().ShouldEndWith(".csv");
        var lines = (await csv.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldStartWith("When (UTC),Kind,What happened");
        lines.Skip(1).Select(l => l.Split(',')[1]).ShouldBe(["granted", "requested", "facility-added"]);

        // The requester is now a Viewer: a member, but not one who may see the history.
        var viewerMembers = await browser.FollowLinkAsync(await browser.OpenAsync("/"), $"Members of {business}");
        viewerMembers.Document.QuerySelectorAll("a").ShouldNotContain(a => a.TextContent.Contains("Access history", StringComparison.Ordinal));
        var refused = await browser.OpenAsync(new Uri(history.Address.PathAndQuery, UriKind.Relative).ToString());
        refused.Status.ShouldBe(HttpStatusCode.OK);
        refused.Document.QuerySelector("[data-testid=history]").ShouldBeNull();
        refused.Errors.Select(e => e.Text).ShouldContain("That was not found, or it is not yours to see.");
        using var refusedCsv = await browser.GetWithoutRedirectAsync(download.GetAttribute("href")!);
        refusedCsv.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
    }

    [Fact]
    public async Task A_regulator_downloads_the_business_users_of_the_jurisdiction_and_a_business_user_cannot()
    {
        var lead = await fixture.CreateAccountAsync("Lars");
        var regulator = await fixture.CreateAccountAsync("Rosa", agencyCode: "SAC-EMD");
        var business = UniqueNames.Word() + " Solvents";
        using var leadBrowser = fixture.NewBrowser();
        using var regulatorBrowser = fixture.NewBrowser();
        await leadBrowser.SignInAsync(lead);
        await leadBrowser.AddFacilityAsync(business, $"{UniqueNames.Number()} {UniqueNames.Word()} Ave");
        await regulatorBrowser.SignInAsync(regulator);

        var page = await regulatorBrowser.OpenAsync("/Regulator");
        var link = page.Document.QuerySelector("[data-testid=users-csv]").ShouldNotBeNull().GetAttribute("href")!;
        using var csv = await regulatorBrowser.GetWithoutRedirectAsync(link);
        csv.StatusCode.ShouldBe(HttpStatusCode.OK);
        csv.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        csv.Content.Headers.ContentDisposition!.FileName.ShouldNotBeNull().ShouldStartWith("cers-SAC-EMD-business-users-");
        var lines = (await csv.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldBe("Name,Email,Business,Organization code,Role");
        lines.ShouldContain(l => l.StartsWith($"{lead.DisplayName},{lead.UserName}@example.com,{business},", StringComparison.Ordinal) && l.EndsWith(",Lead User", StringComparison.Ordinal));

        // A business user has no such link, and the handler refuses them with the API's reason.
        var refused = await leadBrowser.OpenAsync(link);
        refused.Errors.Select(e => e.Text).ShouldContain("Only regulator staff and regulator systems export the users of their jurisdiction.");
    }
}
