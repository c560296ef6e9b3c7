using Cers.BusinessPortal.Tests.Infrastructure;

namespace Cers.BusinessPortal.Tests.Facilities;

[Collection(PortalCollection.Name)]
public sealed class AddFacilityTests(PortalFixture fixture)
{
    [Fact]
    public async Task A_facility_at_an_address_already_in_CERS_is_added_only_after_the_user_confirms()
    {
        var first = await fixture.CreateAccountAsync();
        var second = await fixture.CreateAccountAsync();
        var street = $"{UniqueNames.Number()} {UniqueNames.Word()} Street";
        using var firstBrowser = fixture.NewBrowser();
        using var browser = fixture.NewBrowser();
        await firstBrowser.SignInAsync(first);
        await firstBrowser.AddFacilityAsync(UniqueNames.Word() + " Oil", street);
        await browser.SignInAsync(second);
        var business = UniqueNames.Word() + " Tires";

        var asked = await browser.AddFacilityAsync(business, street.Replace("Street", "St", StringComparison.Ordinal));

        asked.Address.AbsolutePath.ShouldBe("/Facilities/New");
        asked.Document.QuerySelector("[data-testid=duplicates]").ShouldNotBeNull(asked.Text).QuerySelectorAll("a[href^='/AccessRequests/New']")
            .ShouldHaveSingleItem();
        asked.Errors.ShouldContain(error => error.Target == "#Input_ConfirmDuplicate");
        asked.FieldError("Input_ConfirmDuplicate").ShouldStartWith("A facility is already at this address");
        (await browser.OpenAsync("/")).Document.QuerySelector("[data-testid=businesses]").ShouldBeNull();

        var confirmed = await browser.SubmitAsync(asked, "main form", new() { ["Input.ConfirmDuplicate"] = "true" });

        confirmed.Address.AbsolutePath.ShouldBe("/");
        confirmed.Text.ShouldContain($"is added to {business}");
        confirmed.Document.QuerySelector("[data-testid=businesses]")!.TextContent.ShouldContain(business);
    }

    [Fact]
    public async Task An_address_the_API_refuses_is_answered_next_to_each_field()
    {
        var account = await fixture.CreateAccountAsync();
        using var browser = fixture.NewBrowser();
        await browser.SignInAsync(account);
        var form = await browser.OpenAsync("/Facilities/New");

        var answer = await browser.SubmitAsync(form, "main form", new()
        {
            ["Input.FacilityName"] = "Depot",
            ["Input.Street"] = "Main Street",
            ["Input.City"] = "Atlantis",
            ["Input.Zip"] = "958",
            ["Input.BusinessName"] = "",
        });

        answer.FieldError("Input_Street").ShouldBe("street must start with a house number followed by the street name.");
        answer.FieldError("Input_City").ShouldBe("The city is not one CERS knows in California.");
        answer.FieldError("Input_Zip").ShouldBe("zip must be a 5-digit ZIP code or ZIP+4.");
        answer.FieldError("Input_BusinessName").ShouldStartWith("Give either businessName");
        answer.Errors.Select(e => e.Target).ShouldBe(["#Input_Street", "#Input_City", "#Input_Zip", "#Input_BusinessName"], ignoreOrder: true);
    }
}
