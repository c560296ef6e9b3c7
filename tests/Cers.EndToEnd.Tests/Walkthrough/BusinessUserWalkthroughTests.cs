using System.Text.RegularExpressions;
using Cers.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;
using MimeKit;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Cers.EndToEnd.Tests.Walkthrough;

/// <summary>
/// The CERS walkthrough (shared/DESIGN.md) played in a real browser against the real provider, facility
/// API and Business Portal: a new business user goes from CERS Central to a business they have access
/// to. Every page reached is screenshotted and scanned with axe-core.
/// </summary>
[Collection(WalkthroughCollection.Name)]
public sealed class BusinessUserWalkthroughTests(WalkthroughFixture fixture, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly List<IBrowserContext> _people = [];

    [BrowserFact]
    public async Task A_new_user_creates_an_account_from_CERS_Central_activates_it_finds_a_facility_and_its_Lead_User_grants_a_role()
    {
        var steps = new WalkthroughSteps("1-lead-user-approves", output);
        var lead = await fixture.CreateAccountAsync("Leah", UniqueNames.Word());
        var facility = await fixture.SeedFacilityAsync(UniqueNames.Word() + " Plating", lead);
        var page = await NewPersonAsync();
        var main = page.Locator("main");

        // CERS Central -> Business Portal Sign In: the portal requires a signed-in user and sends the browser to the provider.
        await page.GotoAsync(fixture.Idp.BaseAddress.ToString());
        await steps.RecordAsync(page, "cers-central");
        await main.GetByRole(AriaRole.Link, new() { Name = "Business Portal Sign In" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("^" + Regex.Escape(fixture.Idp.BaseAddress.ToString()) + "Account/Login"));
        await Expect(page).ToHaveURLAsync(new Regex("connect%2Fauthorize", RegexOptions.IgnoreCase));
        await steps.RecordAsync(page, "sign-in");

        // New to CERS? Create New Account, every field filled in.
        await main.GetByRole(AriaRole.Link, new() { Name = "Create New Account" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Create");
        var person = new
        {
            UserName = "r" + Guid.NewGuid().ToString("N")[..11],
            FirstName = "Rosa",
            LastName = UniqueNames.Word(),
        };
        var email = $"{person.UserName}@example.com";
        await page.GetByLabel("Username", new() { Exact = true }).FillAsync(person.UserName);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(WalkthroughFixture.Password);
        await page.GetByLabel("Confirm password", new() { Exact = true }).FillAsync(WalkthroughFixture.Password);
        var phraseChoice = page.Locator("input[type=radio][name='Input.ProtectionPhrase']").Nth(1);
        var phrase = (await phraseChoice.GetAttributeAsync("value")).ShouldNotBeNull();
        await phraseChoice.CheckAsync();
        await page.GetByLabel("First name", new() { Exact = true }).FillAsync(person.FirstName);
        await page.GetByLabel("Last name", new() { Exact = true }).FillAsync(person.LastName);
        await page.GetByLabel("Email address", new() { Exact = true }).FillAsync(email);
        await page.GetByLabel("Confirm email address", new() { Exact = true }).FillAsync(email);
        await page.GetByLabel("Phone (optional)", new() { Exact = true }).FillAsync("916-555-0142");
        await page.GetByLabel("Title (optional)", new() { Exact = true }).FillAsync("Environmental manager");
        await page.GetByLabel("I have read and agree to the CERS Conditions of Use").CheckAsync();
        await steps.RecordAsync(page, "create-account");
        await main.GetByRole(AriaRole.Button, new() { Name = "Create My Account" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Check your email", Level = 1 })).ToBeVisibleAsync();
        await Expect(main).ToContainTextAsync(email);
        await steps.RecordAsync(page, "check-your-email");

        // The activation email, read from the SMTP server the provider sent it to; its link opened in the browser.
        var activation = await fixture.Smtp.WaitForAsync(email, "Activate your CERS account");
        await page.GotoAsync(LinkIn(activation, "/Account/Activate").ToString());
        await Expect(main).ToContainTextAsync($"activates the CERS account with the username {person.UserName}");
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(WalkthroughFixture.Password);
        await steps.RecordAsync(page, "activate");
        await main.GetByRole(AriaRole.Button, new() { Name = "Activate my account" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your account is active", Level = 1 })).ToBeVisibleAsync();
        await steps.RecordAsync(page, "activated");

        // Sign in: the username first, then the phrase chosen above must show before the password is typed.
        await main.GetByRole(AriaRole.Link, new() { Name = "Business Portal Sign In" }).ClickAsync();
        await page.SignInAsync(person.UserName, WalkthroughFixture.Password, phrase, steps);
        await Expect(page).ToHaveURLAsync(fixture.Portal.BaseAddress.ToString());
        await Expect(main).ToContainTextAsync($"Signed in as {person.FirstName} {person.LastName}");
        await steps.RecordAsync(page, "portal-home");

        // Add a new facility/business: search by the street number alone, then ask for access.
        await main.GetByRole(AriaRole.Link, new() { Name = "Add a new facility/business" }).ClickAsync();
        await page.GetByLabel("Street number").FillAsync(facility.StreetNumber);
        await main.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        var result = page.GetByRole(AriaRole.Region, new() { Name = facility.BusinessName });
        await Expect(result).ToContainTextAsync("1 matching facility");
        await steps.RecordAsync(page, "search-results");
        await result.GetByRole(AriaRole.Link, new() { Name = $"Request access to {facility.BusinessName} through {facility.FacilityName}" }).ClickAsync();
        await Expect(main).ToContainTextAsync(facility.BusinessName);
        await page.GetByLabel("Phone number").FillAsync("916-555-0142");
        await page.GetByLabel("Your title").FillAsync("Environmental manager");
        await page.GetByLabel("Editor: edits reports, cannot submit").CheckAsync();
        await steps.RecordAsync(page, "request-access");
        await main.GetByRole(AriaRole.Button, new() { Name = "Request access" }).ClickAsync();
        await Expect(main).ToContainTextAsync($"Your request for access to {facility.BusinessName} is sent to its Lead Users.");
        await Expect(page.GetByTestId("my-requests")).ToContainTextAsync("Pending");
        await steps.RecordAsync(page, "request-sent");

        // The Lead User, at another computer, finds it under Action Required and approves it as Approver.
        var leadPage = await NewPersonAsync();
        await leadPage.SignInToPortalAsync(fixture.Portal.BaseAddress, lead);
        var requesterName = $"{person.FirstName} {person.LastName}";
        await Expect(leadPage.GetByTestId("waiting")).ToContainTextAsync(requesterName);
        await steps.RecordAsync(leadPage, "lead-user-action-required");
        await leadPage.GetByRole(AriaRole.Link, new() { Name = $"Review request from {requesterName}" }).ClickAsync();
        await leadPage.GetByLabel("Role to grant").SelectOptionAsync("Approver");
        await steps.RecordAsync(leadPage, "lead-user-decides");
        await leadPage.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Expect(leadPage.Locator("main")).ToContainTextAsync($"{requesterName} now has access to {facility.BusinessName} as Approver.");
        await steps.RecordAsync(leadPage, "lead-user-approved");

        // The requester reloads the home page: the business is theirs, as Approver.
        await page.ReloadAsync();
        var business = page.GetByTestId("businesses").GetByRole(AriaRole.Row).Filter(new() { HasText = facility.BusinessName });
        await Expect(business).ToContainTextAsync("Approver");
        await Expect(page.GetByTestId("my-requests")).ToContainTextAsync("Approved");
        await steps.RecordAsync(page, "requester-has-access");

        // On a phone-width screen the same pages fit: nothing wider than the viewport, no sideways scrolling.
        await page.SetViewportSizeAsync(375, 812);
        foreach (var path in new[] { "/", "/Facilities/Add?Number=" + facility.StreetNumber })
        {
            await page.GotoAsync(new Uri(fixture.Portal.BaseAddress, path).ToString());
            await steps.RecordAsync(page, path == "/" ? "phone-home" : "phone-search");
            var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
            widths[0].ShouldBeLessThanOrEqualTo(widths[1], $"{path} scrolls sideways at 375 px");
        }
    }

    [BrowserFact]
    public async Task A_request_for_a_business_without_Lead_User_is_approved_by_the_county_regulator()
    {
        var steps = new WalkthroughSteps("2-regulator-approves", output);
        var requester = await fixture.CreateAccountAsync("Ramon", UniqueNames.Word());
        var regulator = await fixture.CreateAccountAsync("Regina", UniqueNames.Word(), agencyCode: "SAC-EMD");
        var facility = await fixture.SeedFacilityAsync(UniqueNames.Word() + " Fuels", leadUser: null);
        var page = await NewPersonAsync();

        await page.SignInToPortalAsync(fixture.Portal.BaseAddress, requester, steps);
        await page.RequestAccessAsync(facility, "Viewer: read-only", steps);
        var main = page.Locator("main");
        await Expect(main).ToContainTextAsync(
            $"Your request for access to {facility.BusinessName} is sent to the regulator, Sacramento County Environmental Management Department (sample).");
        await Expect(page.GetByTestId("my-requests").Locator(".regulator-contact")).ToBeVisibleAsync();
        await steps.RecordAsync(page, "request-sent-to-regulator");

        // The regulator of the facility's county, on the portal's Regulator page.
        var regulatorPage = await NewPersonAsync();
        // Regulators must use a second factor (Mfa:RequiredRoles): the first sign-in enrols an authenticator app.
        await regulatorPage.SignInToPortalAsync(fixture.Portal.BaseAddress, regulator, steps, "regulator-protection-phrase");
        await steps.RecordAsync(regulatorPage, "regulator-home");
        await regulatorPage.GetByRole(AriaRole.Link, new() { Name = "Requests in your agency's jurisdiction (SAC-EMD)" }).ClickAsync();
        var row = regulatorPage.GetByTestId("jurisdiction").GetByRole(AriaRole.Row).Filter(new() { HasText = requester.DisplayName });
        await Expect(row).ToContainTextAsync("Regulator");
        await steps.RecordAsync(regulatorPage, "regulator-jurisdiction");
        await row.GetByRole(AriaRole.Link, new() { Name = $"Review request from {requester.DisplayName}" }).ClickAsync();
        await regulatorPage.GetByLabel("Role to grant").SelectOptionAsync("LeadUser");
        await steps.RecordAsync(regulatorPage, "regulator-decides");
        await regulatorPage.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Expect(regulatorPage.Locator("main")).ToContainTextAsync($"{requester.DisplayName} now has access to {facility.BusinessName} as Lead User.");

        await page.ReloadAsync();
        var business = page.GetByTestId("businesses").GetByRole(AriaRole.Row).Filter(new() { HasText = facility.BusinessName });
        await Expect(business).ToContainTextAsync("Lead User");
        await steps.RecordAsync(page, "requester-has-access");
    }

    [BrowserFact]
    public async Task A_denied_request_reaches_the_requester_with_its_reason_by_email_and_on_the_portal()
    {
        var steps = new WalkthroughSteps("3-lead-user-denies", output);
        var lead = await fixture.CreateAccountAsync("Dana", UniqueNames.Word());
        var requester = await fixture.CreateAccountAsync("Omar", UniqueNames.Word());
        var facility = await fixture.SeedFacilityAsync(UniqueNames.Word() + " Metals", lead);
        const string reason = "We do not know you: ask your site manager to add you.";
        var page = await NewPersonAsync();

        await page.SignInToPortalAsync(fixture.Portal.BaseAddress, requester);
        await page.RequestAccessAsync(facility, "Approver: submits reports", steps);

        var leadPage = await NewPersonAsync();
        await leadPage.SignInToPortalAsync(fixture.Portal.BaseAddress, lead);
        await leadPage.GetByRole(AriaRole.Link, new() { Name = $"Review request from {requester.DisplayName}" }).ClickAsync();
        await leadPage.GetByLabel("Reason (shown to the requester)").FillAsync(reason);
        await steps.RecordAsync(leadPage, "lead-user-denies");
        await leadPage.GetByRole(AriaRole.Button, new() { Name = "Deny" }).ClickAsync();
        await steps.RecordAsync(leadPage, "lead-user-denied");

        // By email, through the facility API's outbox and the SMTP server...
        var denial = await fixture.Smtp.WaitForAsync(requester.Email, $"CERS: your access request for {facility.BusinessName} was denied");
        denial.TextBody.ShouldNotBeNull().ShouldContain(reason);

        // ...and on the portal's home.
        await page.ReloadAsync();
        var mine = page.GetByTestId("my-requests").Locator("li").Filter(new() { HasText = facility.BusinessName });
        await Expect(mine).ToContainTextAsync("Denied");
        await Expect(mine).ToContainTextAsync($"Reason: {reason}");
        await Expect(page.GetByTestId("businesses")).Not.ToBeAttachedAsync();
        await steps.RecordAsync(page, "requester-sees-denial");

        // Sign out ends both sessions: the post continues at the provider's end-session endpoint (which the
        // portal's form-action policy must allow, or Chromium stops there) and comes back to the portal.
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Sign out") }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/Account/SignedOut$"));
        await steps.RecordAsync(page, "requester-signed-out");
        await page.GotoAsync(fixture.Portal.BaseAddress.ToString());
        await Expect(page).ToHaveURLAsync(new Regex("/Account/Login"));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var person in _people)
        {
            await person.CloseAsync();
        }
    }

    /// <summary>A person at a computer of their own, whose browser closes when the test ends.</summary>
    private async Task<IPage> NewPersonAsync()
    {
        var page = await fixture.NewPersonAsync();
        _people.Add(page.Context);
        return page;
    }

    /// <summary>The first link in an email's plain-text body whose path contains <paramref name="path"/>.</summary>
    private static Uri LinkIn(MimeMessage email, string path)
    {
        var link = Regex.Matches(email.TextBody ?? "", @"https?://\S+").FirstOrDefault(m => m.Value.Contains(path, StringComparison.Ordinal));
        return new Uri(link.ShouldNotBeNull($"No {path} link in: {email.TextBody}").Value);
    }
}
