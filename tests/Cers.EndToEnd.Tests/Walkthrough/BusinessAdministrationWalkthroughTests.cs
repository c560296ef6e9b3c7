using System.Globalization;
using System.Text.RegularExpressions;
using Cers.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Cers.EndToEnd.Tests.Walkthrough;

/// <summary>
/// Administration in a real browser against the real provider, facility API and Business Portal: a Lead User adds a person
/// by email, who accepts from the emailed link; a regulator moves a facility to the business that now runs it. Every page
/// reached is screenshotted and scanned with axe-core.
/// </summary>
[Collection(WalkthroughCollection.Name)]
public sealed class BusinessAdministrationWalkthroughTests(WalkthroughFixture fixture, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly List<IBrowserContext> _people = [];

    [BrowserFact]
    public async Task A_Lead_User_adds_a_person_by_email_who_accepts_the_invitation_from_the_link()
    {
        var steps = new WalkthroughSteps("4-lead-user-adds-a-person", output);
        var lead = await fixture.CreateAccountAsync("Lina", UniqueNames.Word());
        var invitee = await fixture.CreateAccountAsync("Ivan", UniqueNames.Word());
        var facility = await fixture.SeedFacilityAsync(UniqueNames.Word() + " Coatings", lead);

        var leadPage = await NewPersonAsync();
        await leadPage.SignInToPortalAsync(fixture.Portal.BaseAddress, lead);
        await leadPage.GetByRole(AriaRole.Link, new() { Name = $"Members of {facility.BusinessName}" }).ClickAsync();
        await leadPage.GetByLabel("Their email address").FillAsync(invitee.Email);
        await leadPage.GetByLabel("Role", new() { Exact = true }).SelectOptionAsync("Editor");
        await steps.RecordAsync(leadPage, "lead-user-invites");
        await leadPage.GetByRole(AriaRole.Button, new() { Name = "Send invitation" }).ClickAsync();
        await Expect(leadPage.Locator("main")).ToContainTextAsync($"An invitation is on its way to {invitee.Email}");
        await Expect(leadPage.GetByTestId("invitations")).ToContainTextAsync(invitee.Email);
        await steps.RecordAsync(leadPage, "invitation-pending");

        var email = await fixture.Smtp.WaitForAsync(invitee.Email, $"invited you to {facility.BusinessName}");
        var link = Regex.Match(email.TextBody ?? "", @"https?://\S+/Invitations/Accept\?token=[A-Za-z0-9_-]+");
        link.Success.ShouldBeTrue(email.TextBody);

        // The invitee opens the link before signing in (as someone who still has to create their account would), and
        // signs in later from the portal's front door: its home offers the invitation again.
        var page = await NewPersonAsync();
        await page.GotoAsync(link.Value);
        await Expect(page).ToHaveURLAsync(new Regex("/Account/Login"));
        await page.SignInToPortalAsync(fixture.Portal.BaseAddress, invitee);
        await Expect(page.GetByTestId("opened-invitation")).ToContainTextAsync($"invited you to join {facility.BusinessName} as Editor");
        await steps.RecordAsync(page, "invitation-offered-at-home");
        await page.GetByRole(AriaRole.Link, new() { Name = $"Open the invitation to {facility.BusinessName}" }).ClickAsync();
        await Expect(page.GetByTestId("invitation")).ToContainTextAsync(facility.BusinessName);
        await steps.RecordAsync(page, "invitation-link");
        await page.GetByRole(AriaRole.Button, new() { Name = "Accept the invitation" }).ClickAsync();
        await Expect(page.GetByTestId("accepted")).ToContainTextAsync($"You are now Editor of {facility.BusinessName}");
        await steps.RecordAsync(page, "invitation-accepted");

        await leadPage.ReloadAsync();
        await Expect(leadPage.GetByTestId("members")).ToContainTextAsync(invitee.DisplayName);
        await Expect(leadPage.GetByTestId("invitations")).Not.ToBeAttachedAsync();
        await steps.RecordAsync(leadPage, "new-member-listed");
    }

    [BrowserFact]
    public async Task A_regulator_moves_a_facility_to_the_business_that_now_runs_it()
    {
        var steps = new WalkthroughSteps("5-regulator-transfers", output);
        var sellerLead = await fixture.CreateAccountAsync("Selma", UniqueNames.Word());
        var buyerLead = await fixture.CreateAccountAsync("Bruno", UniqueNames.Word());
        var regulator = await fixture.CreateAccountAsync("Rita", UniqueNames.Word(), agencyCode: "SAC-EMD");
        var sold = await fixture.SeedFacilityAsync(UniqueNames.Word() + " Tanks", sellerLead);
        var buyer = await fixture.SeedFacilityAsync(UniqueNames.Word() + " Energy", buyerLead);
        var cersId = sold.CersId.ToString(CultureInfo.InvariantCulture);

        // Regulators must use a second factor (Mfa:RequiredRoles): the first sign-in enrols an authenticator app.
        var page = await NewPersonAsync();
        await page.SignInToPortalAsync(fixture.Portal.BaseAddress, regulator, steps, "regulator-protection-phrase");
        await page.GotoAsync(new Uri(fixture.Portal.BaseAddress, "/Regulator").ToString());
        await page.GetByLabel("Open a facility of your jurisdiction by CERS ID (archived ones too)").FillAsync(cersId);
        await page.GetByRole(AriaRole.Button, new() { Name = "Open facility" }).ClickAsync();
        await Expect(page.GetByTestId("facility")).ToContainTextAsync(sold.BusinessName);
        await steps.RecordAsync(page, "regulator-facility");

        await page.GetByRole(AriaRole.Link, new() { Name = "Move it to another business or address" }).ClickAsync();
        await page.GetByLabel("Organization code of the receiving business").FillAsync(buyer.OrganizationCode);
        await page.GetByLabel("Why (for the regulator, optional)").FillAsync("Sold to the neighbour; bill of sale on file.");
        await steps.RecordAsync(page, "regulator-moves");
        await page.GetByRole(AriaRole.Button, new() { Name = "Move the facility" }).ClickAsync();
        await Expect(page.Locator("main")).ToContainTextAsync($"Facility {cersId} now belongs to {buyer.BusinessName}");
        await Expect(page.GetByTestId("facility")).ToContainTextAsync(buyer.BusinessName);
        await steps.RecordAsync(page, "facility-moved");

        // Both sides are told, and the facility is on the new business's page with its history.
        await fixture.Smtp.WaitForAsync(sellerLead.Email, $"{sold.FacilityName} moved to another business");
        await fixture.Smtp.WaitForAsync(buyerLead.Email, $"{sold.FacilityName} is now with {buyer.BusinessName}");
        var buyerPage = await NewPersonAsync();
        await buyerPage.SignInToPortalAsync(fixture.Portal.BaseAddress, buyerLead);
        await buyerPage.GetByRole(AriaRole.Link, new() { Name = $"Members of {buyer.BusinessName}" }).ClickAsync();
        await buyerPage.GetByRole(AriaRole.Link, new() { Name = $"Details and facilities of {buyer.BusinessName}" }).ClickAsync();
        // A Lead User's facility names are in their rename fields.
        await Expect(buyerPage.GetByLabel($"Name of facility {cersId}")).ToHaveValueAsync(sold.FacilityName);
        await steps.RecordAsync(buyerPage, "buyer-sees-facility");
        await buyerPage.GetByRole(AriaRole.Link, new() { Name = $"History of facility {cersId}" }).ClickAsync();
        await Expect(buyerPage.GetByTestId("history")).ToContainTextAsync("Facility transferred");
        await steps.RecordAsync(buyerPage, "facility-history");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var person in _people)
        {
            await person.CloseAsync();
        }
    }

    private async Task<IPage> NewPersonAsync()
    {
        var page = await fixture.NewPersonAsync();
        _people.Add(page.Context);
        return page;
    }
}
