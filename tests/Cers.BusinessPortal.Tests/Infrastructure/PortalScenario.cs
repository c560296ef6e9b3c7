using System.Net;

namespace Cers.BusinessPortal.Tests.Infrastructure;

/// <summary>Steps several tests take through the portal's pages, with names and addresses no other test uses.</summary>
public static class PortalScenario
{
    /// <summary>A new facility of a new business, added on the portal's "Add a new facility/business" form.</summary>
    public static async Task<BrowserPage> AddFacilityAsync(this PortalBrowser browser, string businessName, string street,
        string city = "Sacramento", string zip = "95814", bool confirmDuplicate = false)
    {
        var form = await browser.OpenAsync("/Facilities/New");
        var values = new Dictionary<string, string>
        {
            ["Input.FacilityName"] = businessName + " Yard",
            ["Input.Street"] = street,
            ["Input.City"] = city,
            ["Input.Zip"] = zip,
            ["Input.BusinessName"] = businessName,
        };
        if (confirmDuplicate)
        {
            values["Input.ConfirmDuplicate"] = "true";
        }

        var page = await browser.SubmitAsync(form, "main form", values);
        page.Status.ShouldBe(HttpStatusCode.OK);
        return page;
    }

    /// <summary>Searches by street number, follows the result's request-access link and asks for <paramref name="role"/>.</summary>
    public static async Task<BrowserPage> RequestAccessAsync(this PortalBrowser browser, string number, string businessName, string role = "Viewer")
    {
        var search = await browser.OpenAsync("/Facilities/Add");
        var results = await browser.SubmitAsync(search, "main form", new() { ["Number"] = number });
        var form = await browser.FollowLinkAsync(results, $"Request access to {businessName}");
        return await browser.SubmitAsync(form, "main form", new()
        {
            ["Input.Phone"] = "916-555-0142",
            ["Input.Title"] = "Environmental manager",
            ["Input.RequestedRole"] = role,
        });
    }
}
