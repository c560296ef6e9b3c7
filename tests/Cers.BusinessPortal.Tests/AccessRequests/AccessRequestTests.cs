using System.Net;
using Cers.BusinessPortal.Tests.Infrastructure;

namespace Cers.BusinessPortal.Tests.AccessRequests;

[Collection(PortalCollection.Name)]
public sealed class AccessRequestTests(PortalFixture fixture)
{
    [Fact]
    public async Task A_requester_finds_the_facility_by_street_number_asks_for_access_and_sees_the_role_the_Lead_User_granted()
    {
        var lead = await fixture.CreateAccountAsync("Leah");
        var requester = await fixture.CreateAccountAsync("Ramon");
        var number = UniqueNames.Number();
        var business = UniqueNames.Word() + " Plating";
        using var leadBrowser = fixture.NewBrowser();
        using var requesterBrowser = fixture.NewBrowser();
        await leadBrowser.SignInAsync(lead);
        var added = await leadBrowser.AddFacilityAsync(business, $"{number} {UniqueNames.Word()} St");
        added.Document.QuerySelector("[data-testid=businesses]")!.TextContent.ShouldContain(business);
        added.Text.ShouldContain("Lead User");

        // The requester searches by the street number alone; the result is grouped under its business.
        await requesterBrowser.SignInAsync(requester);
        var search = await requesterBrowser.OpenAsync("/Facilities/Add");
        var results = await requesterBrowser.SubmitAsync(search, "main form", new() { ["Number"] = number });
        var group = results.Document.QuerySelectorAll(".business-result").ShouldHaveSingleItem();
        group.QuerySelector("h3")!.TextContent.ShouldStartWith(business);
        group.TextContent.ShouldContain("1 matching facility");

        var form = await requesterBrowser.FollowLinkAsync(results, $"Request access to {business}");
        var sent = await requesterBrowser.SubmitAsync(form, "main form", new()
        {
            ["Input.Phone"] = "916-555-0142",
            ["Input.Title"] = "Environmental manager",
            ["Input.RequestedRole"] = "Editor",
        });
        sent.Address.AbsolutePath.ShouldBe("/");
        sent.Text.ShouldContain($"Your request for access to {business} is sent to its Lead Users.");
        var mine = sent.Document.QuerySelector("[data-testid=my-requests]").ShouldNotBeNull();
        mine.TextContent.ShouldContain("Pending");
        mine.TextContent.ShouldContain("Waiting for a Lead User of the business to decide.");

        // The Lead User finds it under Action Required and approves it with another role.
        var leadHome = await leadBrowser.OpenAsync("/");
        var waiting = leadHome.Document.QuerySelector("[data-testid=waiting]").ShouldNotBeNull(leadHome.Text);
        waiting.TextContent.ShouldContain(requester.DisplayName);
        var decide = await leadBrowser.FollowLinkAsync(leadHome, $"Review request from {requester.DisplayName}");
        decide.Text.ShouldContain("Environmental manager");
        decide.Document.QuerySelector("#GrantedRole option[selected]")!.GetAttribute("value").ShouldBe("Editor");
        var approved = await leadBrowser.SubmitAsync(decide, "form[action*=Approve]", new() { ["GrantedRole"] = "Approver" });
        approved.Address.AbsolutePath.ShouldBe("/");
        approved.Text.ShouldContain($"{requester.DisplayName} now has access to {business} as Approver.");

        // The requester sees the business with the granted role, and the request approved.
        var after = await requesterBrowser.OpenAsync("/");
        var row = after.Document.QuerySelectorAll("[data-testid=businesses] tbody tr").ShouldHaveSingleItem();
        row.TextContent.ShouldContain(business);
        row.TextContent.ShouldContain("Approver");
        after.Document.QuerySelector("[data-testid=my-requests]")!.TextContent.ShouldContain("Approved");
    }

    [Fact]
    public async Task The_APIs_field_errors_are_shown_next_to_the_fields_that_caused_them_and_linked_from_the_summary()
    {
        var lead = await fixture.CreateAccountAsync();
        var requester = await fixture.CreateAccountAsync();
        var number = UniqueNames.Number();
        var business = UniqueNames.Word() + " Fuels";
        using var leadBrowser = fixture.NewBrowser();
        using var browser = fixture.NewBrowser();
        await leadBrowser.SignInAsync(lead);
        await leadBrowser.AddFacilityAsync(business, $"{number} {UniqueNames.Word()} Ave");
        await browser.SignInAsync(requester);

        var results = await browser.SubmitAsync(await browser.OpenAsync("/Facilities/Add"), "main form", new() { ["Number"] = number });
        var form = await browser.FollowLinkAsync(results, $"Request access to {business}");
        var answer = await browser.SubmitAsync(form, "main form", new() { ["Input.Phone"] = "", ["Input.Title"] = new string('x', 101) });

        answer.Status.ShouldBe(HttpStatusCode.OK);
        answer.Address.AbsolutePath.ShouldBe("/AccessRequests/New");
        answer.FieldError("Input_Phone").ShouldBe("phone is required.");
        answer.FieldError("Input_Title").ShouldBe("title is at most 100 characters.");
        answer.Errors.ShouldContain(("phone is required.", "#Input_Phone"));
        answer.Errors.ShouldContain(("title is at most 100 characters.", "#Input_Title"));
        answer.Text.ShouldNotContain("Exception");
        // The form is shown again, for the same facility, ready to correct.
        answer.Document.QuerySelector("input[name='Input.CersId']")!.GetAttribute("value").ShouldNotBe("0");
    }

    [Fact]
    public async Task The_request_form_starts_from_the_phone_and_title_of_the_person_s_CERS_profile()
    {
        var lead = await fixture.CreateAccountAsync("Lorna");
        var requester = await fixture.CreateAccountAsync("Pia", phone: "(530) 555-0177 x4", title: "Plant Manager");
        var bare = await fixture.CreateAccountAsync("Bo");
        var number = UniqueNames.Number();
        var business = UniqueNames.Word() + " Dyeworks";
        using var leadBrowser = fixture.NewBrowser();
        await leadBrowser.SignInAsync(lead);
        await leadBrowser.AddFacilityAsync(business, $"{number} {UniqueNames.Word()} St");

        async Task<(string? Phone, string? Title)> FormFieldsAsync(TestAccount account)
        {
            using var browser = fixture.NewBrowser();
            await browser.SignInAsync(account);
            var results = await browser.SubmitAsync(await browser.OpenAsync("/Facilities/Add"), "main form", new() { ["Number"] = number });
            var form = await browser.FollowLinkAsync(results, $"Request access to {business}");
            return (form.Document.QuerySelector("input[name='Input.Phone']")!.GetAttribute("value"),
                form.Document.QuerySelector("input[name='Input.Title']")!.GetAttribute("value"));
        }

        (await FormFieldsAsync(requester)).ShouldBe(("(530) 555-0177 x4", "Plant Manager"));
        var (phone, title) = await FormFieldsAsync(bare);
        phone.ShouldBeNullOrEmpty();
        title.ShouldBeNullOrEmpty();
    }

    [Fact]
    public async Task A_bad_search_is_answered_with_a_message_next_to_the_field()
    {
        var account = await fixture.CreateAccountAsync();
        using var browser = fixture.NewBrowser();
        await browser.SignInAsync(account);

        var answer = await browser.SubmitAsync(await browser.OpenAsync("/Facilities/Add"), "main form",
            new() { ["Number"] = "123", ["Zip"] = "9581" });

        answer.Status.ShouldBe(HttpStatusCode.OK);
        answer.FieldError("Zip").ShouldStartWith("A ZIP code is 5 digits");
        answer.Errors.ShouldContain(error => error.Target == "#Zip");
        answer.Document.QuerySelector("[data-testid=results]").ShouldBeNull();
    }

    [Fact]
    public async Task Asking_twice_for_the_same_business_shows_the_APIs_conflict_as_a_message()
    {
        var lead = await fixture.CreateAccountAsync();
        var requester = await fixture.CreateAccountAsync();
        var number = UniqueNames.Number();
        var business = UniqueNames.Word() + " Metals";
        using var leadBrowser = fixture.NewBrowser();
        using var browser = fixture.NewBrowser();
        await leadBrowser.SignInAsync(lead);
        await leadBrowser.AddFacilityAsync(business, $"{number} {UniqueNames.Word()} Rd");
        await browser.SignInAsync(requester);

        (await browser.RequestAccessAsync(number, business)).Address.AbsolutePath.ShouldBe("/");
        var again = await browser.RequestAccessAsync(number, business);

        again.Address.AbsolutePath.ShouldBe("/AccessRequests/New");
        again.Errors.Select(e => e.Text).ShouldContain("You already have a pending request for this business.");
    }

    [Fact]
    public async Task A_decision_made_on_a_stale_page_says_someone_else_decided_and_changes_nothing()
    {
        var lead = await fixture.CreateAccountAsync();
        var requester = await fixture.CreateAccountAsync();
        var number = UniqueNames.Number();
        var business = UniqueNames.Word() + " Labs";
        using var leadBrowser = fixture.NewBrowser();
        using var browser = fixture.NewBrowser();
        await leadBrowser.SignInAsync(lead);
        await leadBrowser.AddFacilityAsync(business, $"{number} {UniqueNames.Word()} Way");
        await browser.SignInAsync(requester);
        await browser.RequestAccessAsync(number, business);

        // Two tabs show the same request; the first denies it, the second then tries to approve.
        var home = await leadBrowser.OpenAsync("/");
        var firstTab = await leadBrowser.FollowLinkAsync(home, $"Review request from {requester.DisplayName}");
        var secondTab = await leadBrowser.FollowLinkAsync(home, $"Review request from {requester.DisplayName}");
        var denied = await leadBrowser.SubmitAsync(firstTab, "form[action*=Deny]", new() { ["Reason"] = "Not one of our staff." });
        denied.Address.AbsolutePath.ShouldBe("/");
        var stale = await leadBrowser.SubmitAsync(secondTab, "form[action*=Approve]", new() { ["GrantedRole"] = "LeadUser" });

        stale.Status.ShouldBe(HttpStatusCode.OK);
        stale.Errors.Select(e => e.Text).ShouldContain(text => text.StartsWith("Someone else decided or changed this request", StringComparison.Ordinal));
        // The page shows the request as it is now, and offers no decision any more.
        stale.Document.QuerySelector("[data-testid=status]")!.TextContent.ShouldBe("Denied");
        stale.Document.QuerySelector("form[action*=Approve]").ShouldBeNull();
        var mine = (await browser.OpenAsync("/")).Document.QuerySelector("[data-testid=my-requests]")!.TextContent;
        mine.ShouldContain("Denied");
        mine.ShouldContain("Reason: Not one of our staff.");
    }

    [Fact]
    public async Task Deny_needs_a_reason_shown_next_to_its_field()
    {
        var lead = await fixture.CreateAccountAsync();
        var requester = await fixture.CreateAccountAsync();
        var number = UniqueNames.Number();
        var business = UniqueNames.Word() + " Dyes";
        using var leadBrowser = fixture.NewBrowser();
        using var browser = fixture.NewBrowser();
        await leadBrowser.SignInAsync(lead);
        await leadBrowser.AddFacilityAsync(business, $"{number} {UniqueNames.Word()} Blvd");
        await browser.SignInAsync(requester);
        await browser.RequestAccessAsync(number, business);

        var decide = await leadBrowser.FollowLinkAsync(await leadBrowser.OpenAsync("/"), $"Review request from {requester.DisplayName}");
        var answer = await leadBrowser.SubmitAsync(decide, "form[action*=Deny]", new() { ["Reason"] = " " });

        answer.FieldError("Reason").ShouldBe("reason is required.");
        answer.Errors.ShouldContain(("reason is required.", "#Reason"));
    }

    [Fact]
    public async Task A_regulator_sees_the_requests_in_the_agencys_jurisdiction_and_approves_one()
    {
        var lead = await fixture.CreateAccountAsync();
        var requester = await fixture.CreateAccountAsync("Rita");
        var regulator = await fixture.CreateAccountAsync("Reggie", agencyCode: "SAC-EMD");
        var number = UniqueNames.Number();
        var business = UniqueNames.Word() + " Storage";
        using var leadBrowser = fixture.NewBrowser();
        using var browser = fixture.NewBrowser();
        using var regulatorBrowser = fixture.NewBrowser();
        await leadBrowser.SignInAsync(lead);
        await leadBrowser.AddFacilityAsync(business, $"{number} {UniqueNames.Word()} Ct", city: "Sacramento");
        await browser.SignInAsync(requester);
        await browser.RequestAccessAsync(number, business, role: "Viewer");

        var home = await regulatorBrowser.SignInAsync(regulator);
        var list = await regulatorBrowser.FollowLinkAsync(home, "Requests in your agency's jurisdiction");
        list.Document.QuerySelector("h1")!.TextContent.ShouldBe("Requests in your jurisdiction");
        list.Document.QuerySelector("[data-testid=jurisdiction]")!.TextContent.ShouldContain(business);
        var decide = await regulatorBrowser.FollowLinkAsync(list, $"Review request from {requester.DisplayName}");
        var approved = await regulatorBrowser.SubmitAsync(decide, "form[action*=Approve]", new() { ["GrantedRole"] = "Viewer" });

        approved.Text.ShouldContain($"{requester.DisplayName} now has access to {business} as Viewer.");
        (await browser.OpenAsync("/")).Document.QuerySelector("[data-testid=businesses]")!.TextContent.ShouldContain(business);
    }

    [Fact]
    public async Task A_request_for_a_business_without_Lead_User_shows_the_requester_the_regulators_contact()
    {
        var requester = await fixture.CreateAccountAsync();
        var number = UniqueNames.Number();
        var business = UniqueNames.Word() + " Farms";
        await fixture.AddBusinessWithoutLeadUserAsync(business, $"{number} {UniqueNames.Word()} Ln");
        using var browser = fixture.NewBrowser();
        await browser.SignInAsync(requester);

        var sent = await browser.RequestAccessAsync(number, business);

        sent.Text.ShouldContain($"Your request for access to {business} is sent to the regulator, Sacramento County Environmental Management Department (sample).");
        var contact = sent.Document.QuerySelector("[data-testid=my-requests] .regulator-contact").ShouldNotBeNull(sent.Text);
        contact.TextContent.ShouldContain("Sacramento County Environmental Management Department (sample)");
        contact.QuerySelector("a[href^='mailto:']")!.TextContent.ShouldBe("hazmat.sac-emd@example.org");
        contact.QuerySelector("a[href^='tel:']")!.TextContent.ShouldStartWith("(800) 555-");
    }

    [Fact]
    public async Task A_requester_withdraws_a_pending_request_and_it_no_longer_waits_for_the_Lead_User()
    {
        var lead = await fixture.CreateAccountAsync();
        var requester = await fixture.CreateAccountAsync("Wanda");
        var number = UniqueNames.Number();
        var business = UniqueNames.Word() + " Glass";
        using var leadBrowser = fixture.NewBrowser();
        using var browser = fixture.NewBrowser();
        await leadBrowser.SignInAsync(lead);
        await leadBrowser.AddFacilityAsync(business, $"{number} {UniqueNames.Word()} Sq");
        await browser.SignInAsync(requester);
        var home = await browser.RequestAccessAsync(number, business);

        var withdrawn = await browser.SubmitAsync(home, "[data-testid=my-requests] form[action*=Withdraw]");

        withdrawn.Text.ShouldContain($"Your request for access to {business} is withdrawn.");
        withdrawn.Document.QuerySelector("[data-testid=my-requests]")!.TextContent.ShouldContain("Withdrawn");
        (await leadBrowser.OpenAsync("/")).Text.ShouldContain("No access requests are waiting for you.");
    }
}
