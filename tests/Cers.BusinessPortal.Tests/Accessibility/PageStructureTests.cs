using System.Net;
using AngleSharp.Dom;
using Cers.BusinessPortal.Tests.Infrastructure;

namespace Cers.BusinessPortal.Tests.Accessibility;

/// <summary>
/// What can be checked without a browser of every portal page (WCAG 2.1 AA): the language, one h1, a
/// label for every field, no script, and a viewport for phone-width screens.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class PageStructureTests(PortalFixture fixture)
{
    [Fact]
    public async Task Every_page_of_the_walkthrough_has_one_h1_a_label_for_each_field_and_no_script()
    {
        var lead = await fixture.CreateAccountAsync();
        var requester = await fixture.CreateAccountAsync();
        var regulator = await fixture.CreateAccountAsync(agencyCode: "SAC-EMD");
        var number = UniqueNames.Number();
        var business = UniqueNames.Word() + " Forge";
        using var leadBrowser = fixture.NewBrowser();
        using var browser = fixture.NewBrowser();
        using var regulatorBrowser = fixture.NewBrowser();
        await leadBrowser.SignInAsync(lead);
        await leadBrowser.AddFacilityAsync(business, $"{number} {UniqueNames.Word()} St");
        await browser.SignInAsync(requester);
        var results = await browser.SubmitAsync(await browser.OpenAsync("/Facilities/Add"), "main form", new() { ["Number"] = number });
        var requestForm = await browser.FollowLinkAsync(results, $"Request access to {business}");
        await browser.SubmitAsync(requestForm, "main form", new() { ["Input.Phone"] = "916-555-0100", ["Input.Title"] = "Owner" });
        var leadHome = await leadBrowser.OpenAsync("/");
        await regulatorBrowser.SignInAsync(regulator);
        var details = await leadBrowser.FollowLinkAsync(await leadBrowser.FollowLinkAsync(leadHome, $"Members of {business}"),
            $"Details and facilities of {business}");
        var cersId = details.Document.QuerySelector("[data-testid=facilities] tbody tr")!.GetAttribute("data-cers-id");

        BrowserPage[] pages =
        [
            await browser.OpenAsync("/"),
            await browser.OpenAsync("/Facilities/Add"),
            results,
            requestForm,
            await browser.OpenAsync("/Facilities/New"),
            leadHome,
            await leadBrowser.FollowLinkAsync(leadHome, "Review request from"),
            await leadBrowser.FollowLinkAsync(leadHome, $"Members of {business}"),
            await leadBrowser.FollowLinkAsync(await leadBrowser.FollowLinkAsync(leadHome, $"Members of {business}"), $"Access history of {business}"),
            await regulatorBrowser.OpenAsync("/Regulator"),
            await regulatorBrowser.OpenAsync("/Regulator/Facilities?q=" + Uri.EscapeDataString(business)),
            await regulatorBrowser.OpenAsync("/Regulator/Businesses"),
            await regulatorBrowser.FollowLinkAsync(await regulatorBrowser.OpenAsync("/Regulator/Businesses?q=" + Uri.EscapeDataString(business)), business),
            details,
            await leadBrowser.OpenAsync($"/Facilities/History?cersId={cersId}"),
            await browser.OpenAsync($"/Facilities/Transfer?cersId={cersId}"),
            await regulatorBrowser.OpenAsync("/Regulator/Transfers"),
            await regulatorBrowser.OpenAsync($"/Regulator/Facility?cersId={cersId}"),
            await leadBrowser.OpenAsync("/Emails"),
            await browser.OpenAsync("/Error"),
        ];

        foreach (var page in pages)
        {
            page.Status.ShouldBe(HttpStatusCode.OK, page.Address.ToString());
            var document = page.Document;
            document.DocumentElement.GetAttribute("lang").ShouldBe("en");
            document.QuerySelectorAll("h1").Length.ShouldBe(1, page.Address.ToString());
            document.QuerySelectorAll("script").ShouldBeEmpty();
            document.QuerySelector("meta[name=viewport]").ShouldNotBeNull();
            document.QuerySelector("a.skip-link[href='#main']").ShouldNotBeNull();
            foreach (var field in document.QuerySelectorAll("input:not([type=hidden]), select, textarea"))
            {
                HasLabel(document, field).ShouldBeTrue($"{page.Address}: {field.OuterHtml}");
            }
        }
    }

    [Fact]
    public async Task The_shared_stylesheet_is_served_by_the_portal_and_by_the_provider_alike()
    {
        using var http = new HttpClient();

        var fromPortal = await http.GetStringAsync(new Uri(fixture.Portal.BaseAddress, "_content/Cers.Web.Shared/css/site.css"));
        var fromProvider = await http.GetStringAsync(new Uri(fixture.Idp.BaseAddress, "_content/Cers.Web.Shared/css/site.css"));

        fromPortal.ShouldContain(".error-summary");
        fromProvider.ShouldBe(fromPortal);
    }

    private static bool HasLabel(IDocument document, IElement field) =>
        (field.Id is { Length: > 0 } id && document.QuerySelector($"label[for='{id}']") is not null)
        || field.Closest("label") is not null;
}
