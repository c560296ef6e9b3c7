using Cers.BusinessPortal.Tests.Infrastructure;

namespace Cers.BusinessPortal.Tests.Transfers;

/// <summary>
/// Transfers, edits and archiving in the portal: a receiving Lead User asks for a facility, the regulator approves it from
/// their page and the facility changes hands on both businesses' pages; a Lead User edits the business's details and
/// renames a facility; the regulator archives it and still opens it by CERS ID, with its history.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class TransferPagesTests(PortalFixture fixture)
{
    [Fact]
    public async Task A_receiving_Lead_User_asks_for_a_facility_and_the_regulator_approves_it_from_the_transfers_page()
    {
        var seller = await fixture.CreateAccountAsync("Sela");
        var buyer = await fixture.CreateAccountAsync("Bram");
        var regulator = await fixture.CreateAccountAsync("Reva", agencyCode: "SAC-EMD");
        var (sellerName, buyerName) = (UniqueNames.Word() + " Oils", UniqueNames.Word() + " Fuels");
        using var sellerBrowser = fixture.NewBrowser();
        await sellerBrowser.SignInAsync(seller);
        await sellerBrowser.AddFacilityAsync(sellerName, $"{UniqueNames.Number()} {UniqueNames.Word()} Way");
        var sellerDetails = await DetailsAsync(sellerBrowser, sellerName);
        var cersId = sellerDetails.Document.QuerySelector("[data-testid=facilities] tbody tr")!.GetAttribute("data-cers-id")!;

        using var buyerBrowser = fixture.NewBrowser();
        await buyerBrowser.SignInAsync(buyer);
        await buyerBrowser.AddFacilityAsync(buyerName, $"{UniqueNames.Number()} {UniqueNames.Word()} Way");
        var ask = await buyerBrowser.OpenAsync($"/Facilities/Transfer?cersId={cersId}");
        ask.Document.QuerySelector("[data-testid=facility]")!.TextContent.ShouldContain(sellerName);
        var refused = await buyerBrowser.SubmitAsync(ask, "[data-testid=transfer]", new() { ["street"] = "Main St", ["city"] = "Sacramento", ["zip"] = "95814" });
        refused.FieldError("street").ShouldStartWith("street must start with a house number");
        var asked = await buyerBrowser.SubmitAsync(ask, "[data-testid=transfer]", new() { ["note"] = "Bought in May." });
        asked.Text.ShouldContain($"Your request to move facility {cersId} is with its regulator");
        asked.Document.QuerySelector("[data-testid=transfers]")!.TextContent.ShouldContain("Pending");
        asked.Document.QuerySelectorAll("form[action*=WithdrawTransfer]").Length.ShouldBe(1);

        // The seller's Lead User sees it asked for, but only its asker withdraws it.
        var sellerView = await DetailsAsync(sellerBrowser, sellerName);
        sellerView.Document.QuerySelector("[data-testid=transfers]")!.TextContent.ShouldContain(buyerName);
        sellerView.Document.QuerySelectorAll("form[action*=WithdrawTransfer]").ShouldBeEmpty();

        using var regulatorBrowser = fixture.NewBrowser();
        await regulatorBrowser.SignInAsync(regulator);
        var waiting = await regulatorBrowser.FollowLinkAsync(await regulatorBrowser.OpenAsync("/Regulator"), "Facility transfers to decide");
        var row = waiting.Document.QuerySelectorAll("[data-testid=transfers] tbody tr").Single(r => r.TextContent.Contains(cersId, StringComparison.Ordinal));
        row.TextContent.ShouldContain("Bought in May.");
        var transferId = row.GetAttribute("data-transfer-id");
        var noReason = await regulatorBrowser.SubmitAsync(waiting, $"tr[data-transfer-id='{transferId}'] form[action*=Deny]");
        noReason.FieldError($"reason-{transferId}").ShouldBe("reason is required.");
        var approved = await regulatorBrowser.SubmitAsync(waiting, $"tr[data-transfer-id='{transferId}'] form[action*=Approve]");
        approved.Text.ShouldContain($"Approved: facility {cersId} now belongs to {buyerName}.");

        (await DetailsAsync(buyerBrowser, buyerName)).Document.QuerySelectorAll("[data-testid=facilities] tbody tr")
            .Select(r => r.GetAttribute("data-cers-id")).ShouldContain(cersId);
        (await DetailsAsync(sellerBrowser, sellerName)).Document.QuerySelectorAll("[data-testid=facilities] tbody tr")
            .Select(r => r.GetAttribute("data-cers-id")).ShouldNotContain(cersId);
        await fixture.Smtp.WaitForAsync($"{seller.UserName}@example.com", "moved to another business");
    }

    [Fact]
    public async Task A_Lead_User_edits_the_business_and_renames_a_facility_and_the_regulator_archives_it_and_still_finds_it()
    {
        var lead = await fixture.CreateAccountAsync("Edda");
        var regulator = await fixture.CreateAccountAsync("Rune", agencyCode: "SAC-EMD");
        var business = UniqueNames.Word() + " Dyes";
        using var browser = fixture.NewBrowser();
        await browser.SignInAsync(lead);
        await browser.AddFacilityAsync(business, $"{UniqueNames.Number()} {UniqueNames.Word()} Rd");
        var details = await DetailsAsync(browser, business);

        var refused = await browser.SubmitAsync(details, "[data-testid=business-details]", new() { ["contact-email"] = "nobody" });
        refused.FieldError("contact-email").ShouldStartWith("Enter one email address");
        var saved = await browser.SubmitAsync(details, "[data-testid=business-details]",
            new() { ["business-name"] = business + " West", ["contact-name"] = "Edda Lund", ["contact-phone"] = "916-555-0142" });
        saved.Text.ShouldContain("The business's details are saved.");
        saved.Document.QuerySelector("h1")!.TextContent.ShouldBe(business + " West");

        var cersId = saved.Document.QuerySelector("[data-testid=facilities] tbody tr")!.GetAttribute("data-cers-id")!;
        var renamed = await browser.SubmitAsync(saved, "form[action*=Rename]", new() { [$"facility-name-{cersId}"] = "East Vat House" });
        renamed.Text.ShouldContain($"Facility {cersId} is now named East Vat House.");

        using var regulatorBrowser = fixture.NewBrowser();
        await regulatorBrowser.SignInAsync(regulator);
        var facility = await regulatorBrowser.SubmitAsync(await regulatorBrowser.OpenAsync("/Regulator"), "form[action='/Regulator/Facility']",
            new() { ["cersId"] = cersId });
        facility.Document.QuerySelector("[data-testid=facility]")!.TextContent.ShouldContain("East Vat House");
        (await regulatorBrowser.SubmitAsync(facility, "[data-testid=archive]")).FieldError("archive-reason").ShouldBe("reason is required.");
        var archived = await regulatorBrowser.SubmitAsync(facility, "[data-testid=archive]", new() { ["archive-reason"] = "Closed in June." });
        archived.Text.ShouldContain($"Facility {cersId} is archived.");
        archived.Document.QuerySelector("[data-testid=facility]")!.TextContent.ShouldContain("Archived (closed)");
        archived.Document.QuerySelector("[data-testid=archive]").ShouldBeNull();

        var history = await regulatorBrowser.FollowLinkAsync(archived, "History of the facility");
        history.Document.QuerySelectorAll("[data-testid=history] tbody tr").Select(r => r.GetAttribute("data-kind"))
            .ShouldBe(["facility-archived", "facility-renamed", "facility-added"]);

        // Gone from search, still on the business's page, marked.
        var search = await browser.OpenAsync($"/Facilities/Add?cersId={cersId}");
        search.Status.ShouldBe(System.Net.HttpStatusCode.OK);
        search.Text.ShouldContain("No facility matches.");
        search.Text.ShouldNotContain("East Vat House");
        (await DetailsAsync(browser, business + " West")).Document.QuerySelector($"tr[data-cers-id='{cersId}']")!.TextContent.ShouldContain("Archived");
    }

    private static async Task<BrowserPage> DetailsAsync(PortalBrowser browser, string business)
    {
        var members = await browser.FollowLinkAsync(await browser.OpenAsync("/"), $"Members of {business}");
        return await browser.FollowLinkAsync(members, $"Details and facilities of {business}");
    }
}
