using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Cers.EndToEnd.Tests.Infrastructure;

/// <summary>Add a new facility/business, as a signed-in person does it on the portal's home.</summary>
public static class BrowserAccessRequest
{
    /// <summary>Searches by the facility's street number alone and asks for access with the role labelled <paramref name="roleLabel"/>.</summary>
    public static async Task RequestAccessAsync(this IPage page, SeededFacility facility, string roleLabel, WalkthroughSteps steps)
    {
        var main = page.Locator("main");
        await main.GetByRole(AriaRole.Link, new() { Name = "Add a new facility/business" }).ClickAsync();
        await page.GetByLabel("Street number").FillAsync(facility.StreetNumber);
        await main.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        var result = page.GetByRole(AriaRole.Region, new() { Name = facility.BusinessName });
        await Expect(result).ToContainTextAsync("1 matching facility");
        await steps.RecordAsync(page, "search-results");
        await result.GetByRole(AriaRole.Link, new() { Name = $"Request access to {facility.BusinessName} through {facility.FacilityName}" })
            .ClickAsync();
        await page.GetByLabel("Phone number").FillAsync("916-555-0199");
        await page.GetByLabel("Your title").FillAsync("Site manager");
        await page.GetByLabel(roleLabel).CheckAsync();
        await steps.RecordAsync(page, "request-access");
        await main.GetByRole(AriaRole.Button, new() { Name = "Request access" }).ClickAsync();
        await Expect(page.GetByTestId("my-requests")).ToContainTextAsync(facility.BusinessName);
    }
}
