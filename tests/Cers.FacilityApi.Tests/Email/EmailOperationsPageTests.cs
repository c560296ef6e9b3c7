using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Cers.Email.Outbox;
using Cers.FacilityApi.Audit;
using Cers.FacilityApi.Data;
using Cers.FacilityApi.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cers.FacilityApi.Tests.Email;

/// <summary>
/// The facility API's email operations page at /jobs/email, beside the jobs dashboard and under its sign-in through the
/// provider: set-aside and retrying emails as the real SMTP listener left them, retry now and discard with the page's
/// anti-forgery token, audited with the admin's provider username; business users get 403.
/// </summary>
public sealed class EmailOperationsPageTests(DashboardHosts hosts) : IClassFixture<DashboardHosts>
{
    private const string Page = "/jobs/email";
    private static readonly HtmlParser Parser = new();

    [Fact]
    public async Task An_email_refused_for_good_is_set_aside_with_why_and_retry_now_with_the_page_s_token_sends_it_audited_with_the_admin()
    {
        var to = $"apirefused{UniqueNames.Number()}@example.com";
        hosts.Smtp.RefuseForGood(to);
        var id = await AddEmailAsync(to, "Your refused access notice");
        await DeliverAsync();
        using var admin = DashboardHosts.NewBrowser();
        using var page = await hosts.SignInAsync(admin, "cersadmin1", "help desk sample password 1", Page);

        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await page.Content.ReadAsStringAsync();
        var document = Parser.ParseDocument(html);
        AssertStructure(document);
        var row = document.QuerySelector($"[data-testid=set-aside] tr[data-email-id='{id}']").ShouldNotBeNull(html);
        row.TextContent.ShouldContain(to);
        row.TextContent.ShouldContain("Your refused access notice");
        row.QuerySelector("[data-testid=why]")!.TextContent.ShouldStartWith($"550 5.1.1 <{to}>: Recipient address rejected: User unknown");
        html.ShouldNotContain("secret-link-");

        // Without the page's anti-forgery token the post changes nothing.
        using var forged = await admin.PostAsync(new Uri(hosts.Api.BaseAddress, $"{Page}/retry"), new FormUrlEncodedContent([new("id", id.ToString())]));
        forged.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await RowAsync(id)).FailedAt.ShouldNotBeNull();

        hosts.Smtp.Accept(to);
        var (action, fields) = await DashboardHosts.ReadFormAsync(page, page.RequestMessage!.RequestUri!, $"tr[data-email-id='{id}'] form[action$='/retry']");
        using var retried = await admin.PostAsync(action, new FormUrlEncodedContent(fields));
        retried.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        using var after = await admin.GetAsync(new Uri(hosts.Api.BaseAddress, retried.Headers.Location!.ToString()));
        (await after.Content.ReadAsStringAsync()).ShouldContain($"Email {id} is due now");

        await DeliverAsync();
        await hosts.Smtp.WaitForAsync(to, "Your refused access notice");
        (await RowAsync(id)).SentAt.ShouldNotBeNull();

        var adminId = await hosts.Idp.UserIdOfAsync("cersadmin1");
        var audit = await QueryAsync(db => db.AuditEvents.Where(a => a.Kind == AuditKinds.EmailRetriedNow).ToListAsync());
        var entry = audit.ShouldHaveSingleItem();
        entry.ActorName.ShouldBe("cersadmin1");
        entry.ActorSubject.ShouldBe(adminId);
        entry.Detail.ShouldBe($"email {id} (ops-test) to {to}, by cersadmin1");
    }

    [Fact]
    public async Task A_retrying_email_shows_next_attempt_and_last_error_and_once_discarded_leaves_the_backlog_and_is_never_sent()
    {
        var to = $"apiretrying{UniqueNames.Number()}@example.com";
        await hosts.Smtp.StopAsync();
        long id;
        try
        {
            id = await AddEmailAsync(to, "Your delayed access notice");
            await DeliverAsync();
        }
        finally
        {
            hosts.Smtp.Start();
        }

        var retrying = await RowAsync(id);
        retrying.Attempts.ShouldBe(1);
        retrying.LastError.ShouldNotBeNullOrWhiteSpace();
        using var admin = DashboardHosts.NewBrowser();
        using var page = await hosts.SignInAsync(admin, "cersadmin1", "help desk sample password 1", Page);
        var document = Parser.ParseDocument(await page.Content.ReadAsStringAsync());
        var waiting = int.Parse(document.QuerySelector("[data-testid=waiting]")!.TextContent.Trim());
        var row = document.QuerySelector($"[data-testid=retrying] tr[data-email-id='{id}']").ShouldNotBeNull();
        row.QuerySelector("[data-testid=next-attempt]")!.TextContent.ShouldBe(OutboxOperationsText.Time(retrying.NextAttemptAt));
        row.QuerySelector("[data-testid=last-error]")!.TextContent.ShouldBe(retrying.LastError);

        var (action, fields) = await DashboardHosts.ReadFormAsync(page, page.RequestMessage!.RequestUri!, $"tr[data-email-id='{id}'] form[action$='/discard']");
        using var discarded = await admin.PostAsync(action, new FormUrlEncodedContent(fields));
        discarded.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        using var afterPage = await admin.GetAsync(new Uri(hosts.Api.BaseAddress, discarded.Headers.Location!.ToString()));
        var after = Parser.ParseDocument(await afterPage.Content.ReadAsStringAsync());
        after.QuerySelector("[role=status]")!.TextContent.ShouldContain($"Email {id} is discarded");
        after.QuerySelector("[data-testid=waiting]")!.TextContent.Trim().ShouldBe((waiting - 1).ToString());
        after.QuerySelector($"tr[data-email-id='{id}']").ShouldBeNull();

        // Due again, with the server back: still never sent, and the row is kept, marked.
        await QueryAsync(db => db.EmailOutbox.Where(e => e.Id == id).ExecuteUpdateAsync(set => set.SetProperty(e => e.NextAttemptAt, DateTime.UtcNow.AddMinutes(-1))));
        await DeliverAsync();
        await Task.Delay(500);
        hosts.Smtp.Find(to).ShouldBeEmpty();
        var row2 = await RowAsync(id);
        row2.DiscardedAt.ShouldNotBeNull();
        row2.DiscardedBy.ShouldBe("cersadmin1");
        (await QueryAsync(db => db.AuditEvents.Where(a => a.Kind == AuditKinds.EmailDiscarded).ToListAsync()))
            .ShouldContain(a => a.ActorName == "cersadmin1" && a.Detail!.StartsWith($"email {id} "));
    }

    [Fact]
    public async Task A_business_user_gets_403_and_an_anonymous_visitor_is_sent_to_the_provider()
    {
        using var anonymous = DashboardHosts.NewBrowser();
        using var toProvider = await anonymous.GetAsync(new Uri(hosts.Api.BaseAddress, Page));
        toProvider.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        toProvider.Headers.Location!.ToString().ShouldStartWith(new Uri(hosts.Idp.BaseAddress, "connect/authorize").ToString());

        using var business = DashboardHosts.NewBrowser();
        using var denied = await hosts.SignInAsync(business, "bizuser1", "correct horse battery staple", Page);
        denied.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await denied.Content.ReadAsStringAsync()).ShouldNotContain("Email operations");
        using var post = await business.PostAsync(new Uri(hosts.Api.BaseAddress, $"{Page}/discard"), new FormUrlEncodedContent([new("id", "1")]));
        post.StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        // An API caller's bearer token is not the dashboard's sign-in.
        using var toIdp = hosts.Idp.CreateBackChannel();
        using var caller = DashboardHosts.NewBrowser();
        caller.DefaultRequestHeaders.Authorization = new("Bearer", await DevelopmentClients.RegulatorAccessTokenAsync(toIdp));
        using var withToken = await caller.GetAsync(new Uri(hosts.Api.BaseAddress, Page));
        withToken.StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task Hostile_email_ids_and_page_numbers_get_a_clear_answer_and_change_nothing()
    {
        var to = $"apihostile{UniqueNames.Number()}@example.com";
        hosts.Smtp.RefuseForGood(to);
        var id = await AddEmailAsync(to, "Hostile access notice");
        await DeliverAsync();
        using var admin = DashboardHosts.NewBrowser();
        using var page = await hosts.SignInAsync(admin, "cersadmin1", "help desk sample password 1", $"{Page}?retrying=-1&setAside=abc&done=<b>&id=x&outcome=<script>");
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await page.Content.ReadAsStringAsync();
        html.ShouldNotContain("<script>");
        html.ShouldNotContain("role=\"status\"");

        foreach (var hostile in new[] { "", "abc", "-1", "99999999999999999999999", "1 OR 1=1", $"{id}.5" })
        {
            foreach (var action in new[] { "retry", "discard" })
            {
                var (target, fields) = await DashboardHosts.ReadFormAsync(page, page.RequestMessage!.RequestUri!, $"tr[data-email-id='{id}'] form[action$='/{action}']");
                fields["id"] = hostile;
                using var answer = await admin.PostAsync(target, new FormUrlEncodedContent(fields));
                answer.StatusCode.ShouldBe(HttpStatusCode.BadRequest, $"{action} {hostile}");
            }
        }

        (await RowAsync(id)).DiscardedAt.ShouldBeNull();
        (await RowAsync(id)).FailedAt.ShouldNotBeNull();
    }

    /// <summary>The structure the provider's pages are held to (HostedPageStructureTests), on this hand-rendered page.</summary>
    private static void AssertStructure(IDocument document)
    {
        document.DocumentElement.GetAttribute("lang").ShouldBe("en");
        document.Title.ShouldNotBeNullOrWhiteSpace();
        document.QuerySelectorAll("h1").Length.ShouldBe(1);
        document.QuerySelector("a.skip-link[href='#main']").ShouldNotBeNull();
        document.QuerySelector("main#main").ShouldNotBeNull();
        document.QuerySelectorAll("script").ShouldBeEmpty();
        document.QuerySelectorAll("input").ShouldAllBe(input => input.GetAttribute("type") == "hidden");
        document.QuerySelectorAll("table").ShouldAllBe(table => table.QuerySelector("caption") != null);
        document.QuerySelectorAll("button").ShouldAllBe(button => !string.IsNullOrWhiteSpace(button.GetAttribute("aria-label")));
    }

    private async Task<long> AddEmailAsync(string to, string subject)
    {
        var key = "apiops" + UniqueNames.Number();
        await QueryAsync(db =>
        {
            hosts.Api.Services.GetRequiredService<EmailOutbox>().Add(db,
                new OutgoingEmail(key, "ops-test", to, "", subject, $"secret-link-{key}", $"<p>secret-link-{key}</p>"));
            return db.SaveChangesAsync();
        });
        return await QueryAsync(db => db.EmailOutbox.Where(e => e.IdempotencyKey == key).Select(e => e.Id).SingleAsync());
    }

    private Task<OutboxEmail> RowAsync(long id) => QueryAsync(db => db.EmailOutbox.AsNoTracking().SingleAsync(e => e.Id == id));

    private async Task<int> DeliverAsync()
    {
        await using var scope = hosts.Api.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<OutboxDeliveryJob<FacilityDbContext>>().DeliverDueAsync(CancellationToken.None);
    }

    private async Task<T> QueryAsync<T>(Func<FacilityDbContext, Task<T>> query)
    {
        await using var scope = hosts.Api.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<FacilityDbContext>());
    }
}
