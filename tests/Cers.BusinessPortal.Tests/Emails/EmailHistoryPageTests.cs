using Cers.BusinessPortal.Tests.Infrastructure;

namespace Cers.BusinessPortal.Tests.Emails;

/// <summary>The portal's Email History: the facility API's emails to the signed-in person, through the real API and provider.</summary>
[Collection(PortalCollection.Name)]
public sealed class EmailHistoryPageTests(PortalFixture fixture)
{
    [Fact]
    public async Task A_Lead_User_sees_the_email_asking_them_to_decide_and_the_requester_sees_none_until_the_decision()
    {
        var lead = await fixture.CreateAccountAsync("Lena");
        var requester = await fixture.CreateAccountAsync("Ravi");
        var number = UniqueNames.Number();
        var business = UniqueNames.Word() + " Works";
        using var leadBrowser = fixture.NewBrowser();
        using var browser = fixture.NewBrowser();
        await leadBrowser.SignInAsync(lead);
        await leadBrowser.AddFacilityAsync(business, $"{number} {UniqueNames.Word()} St");
        await browser.SignInAsync(requester);
        await browser.RequestAccessAsync(number, business);

        var home = await leadBrowser.OpenAsync("/");
        var emails = await leadBrowser.FollowLinkAsync(home, "Email History");

        emails.Document.QuerySelector("h1")!.TextContent.ShouldBe("Email History");
        var row = emails.Document.QuerySelectorAll("table[data-testid=emails] tbody tr").ShouldHaveSingleItem();
        row.GetAttribute("data-kind").ShouldBe("access-request-created");
        row.TextContent.ShouldContain($"CERS: access request for {business}");
        row.TextContent.ShouldContain("waiting for a decision");
        row.QuerySelector("[data-state]")!.GetAttribute("data-state").ShouldBeOneOf("Queued", "Retrying", "Sent");
        emails.Document.QuerySelectorAll("a").Select(a => a.GetAttribute("href"))
            .ShouldContain(new Uri(fixture.Idp.BaseAddress, "Account/Manage/EmailHistory").ToString());

        var mine = await browser.OpenAsync("/Emails");
        mine.Text.ShouldContain("No emails about facility access yet.");
        mine.Document.QuerySelector("table[data-testid=emails]").ShouldBeNull();
    }
}
