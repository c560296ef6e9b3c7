using System.Net;
using AngleSharp.Html.Parser;
using Cers.Email.Outbox;
using Cers.Idp.Tests.Accessibility;
using Cers.Idp.Audit;
using Cers.Idp.Data;
using Cers.Idp.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cers.Idp.Tests.Email;

/// <summary>
/// The provider's email operations page (/Admin/Email) and the outbox commands under it: set-aside and retrying emails as
/// the real SMTP listener left them, retry now and discard through the page with its anti-forgery token, each audited
/// with the admin's name, and the commands racing each other.
/// </summary>
public sealed class EmailOperationsTests
{
    private const string Page = "/Admin/Email";
    private const string AdminPassword = "help desk sample password 1";
    private static readonly HtmlParser Parser = new();

    /// <summary>Delivery only when the test runs it, and retries an hour apart, so a retrying email stays put while the admin looks.</summary>
    private static IsolatedIdp StartIdp() => IsolatedIdp.Start(fakeClock: false,
        ("Jobs:RunServer", "false"), ("Email:Outbox:FirstRetryDelay", "01:00:00"), ("Email:Outbox:MaxRetryDelay", "02:00:00"));

    [Fact]
    public async Task An_email_refused_for_good_shows_as_set_aside_with_why_and_retry_now_sends_it_once_the_server_accepts()
    {
        await using var idp = StartIdp();
        var to = $"refused{UniqueNames.Number()}@example.com";
        idp.Smtp.RefuseForGood(to);
        var id = await AddEmailAsync(idp, to, "Your refused notice");
        (await DeliverAsync(idp)).ShouldBe(0);

        using var admin = await SignInAdminAsync(idp);
        var page = await admin.GetAsync(Page);
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await page.Content.ReadAsStringAsync();
        var document = Parser.ParseDocument(html);
        HostedPageStructureTests.AssertStructure(document);
        var row = document.QuerySelector($"[data-testid=set-aside] tr[data-email-id='{id}']").ShouldNotBeNull(html);
        row.TextContent.ShouldContain(to);
        row.TextContent.ShouldContain("Your refused notice");
        row.QuerySelector("[data-testid=why]")!.TextContent.ShouldStartWith($"550 5.1.1 <{to}>: Recipient address rejected: User unknown");
        document.QuerySelector("[data-testid=set-aside-count]")!.TextContent.Trim().ShouldBe("1");
        html.ShouldNotContain("secret-link-");

        // Without the page's anti-forgery token the post changes nothing.
        var forged = await admin.PostAsync($"{Page}?handler=Retry", new FormUrlEncodedContent([new("id", id.ToString())]));
        forged.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await RowAsync(idp, id)).FailedAt.ShouldNotBeNull();

        idp.Smtp.Accept(to);
        var retry = await BrowserSignIn.ReadFormAsync(page, new Uri(idp.Host.BaseAddress, Page),
            $"tr[data-email-id='{id}'] form[action*='handler=Retry']");
        (await admin.PostAsync(retry.Action, new FormUrlEncodedContent(retry.Fields))).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await (await admin.GetAsync(Page)).Content.ReadAsStringAsync()).ShouldContain($"Email {id} is due now");

        await DeliverAsync(idp);
        await idp.Smtp.WaitForAsync(to, "Your refused notice");
        (await RowAsync(idp, id)).SentAt.ShouldNotBeNull();

        // The same click again (a second tab, a second admin) finds it sent and changes nothing.
        (await admin.PostAsync(retry.Action, new FormUrlEncodedContent(retry.Fields))).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await (await admin.GetAsync(Page)).Content.ReadAsStringAsync()).ShouldContain($"Email {id} was not retried: it was sent already.");

        var audit = await idp.QueryAsync(db => db.AuditEvents.Where(a => a.Kind == AuditKinds.EmailRetriedNow).ToListAsync());
        var entry = audit.ShouldHaveSingleItem();
        entry.UserName.ShouldBe("cersadmin1");
        entry.SubjectId.ShouldNotBeNull();
        entry.Detail.ShouldBe($"email {id} (ops-test) to {to}, by cersadmin1");
    }

    [Fact]
    public async Task A_retrying_email_shows_its_next_attempt_and_last_error_and_once_discarded_leaves_the_backlog_and_is_never_sent()
    {
        await using var idp = StartIdp();
        var to = $"retrying{UniqueNames.Number()}@example.com";
        await idp.Smtp.StopAsync();
        var id = await AddEmailAsync(idp, to, "Your delayed notice");
        (await DeliverAsync(idp)).ShouldBe(0);
        var retrying = await RowAsync(idp, id);
        retrying.Attempts.ShouldBe(1);

        using var admin = await SignInAdminAsync(idp);
        var page = await admin.GetAsync(Page);
        var document = Parser.ParseDocument(await page.Content.ReadAsStringAsync());
        // The admin's own sign-in may owe emails too (enrolling an authenticator is emailed): counts are compared, not fixed.
        var waiting = int.Parse(document.QuerySelector("[data-testid=waiting]")!.TextContent.Trim());
        waiting.ShouldBeGreaterThanOrEqualTo(1);
        var row = document.QuerySelector($"[data-testid=retrying] tr[data-email-id='{id}']").ShouldNotBeNull();
        row.QuerySelector("[data-testid=next-attempt]")!.TextContent.ShouldBe(OutboxOperationsText.Time(retrying.NextAttemptAt));
        row.QuerySelector("[data-testid=last-error]")!.TextContent.ShouldBe(retrying.LastError);
        retrying.LastError.ShouldNotBeNullOrWhiteSpace();

        var discard = await BrowserSignIn.ReadFormAsync(page, new Uri(idp.Host.BaseAddress, Page),
            $"tr[data-email-id='{id}'] form[action*='handler=Discard']");
        (await admin.PostAsync(discard.Action, new FormUrlEncodedContent(discard.Fields))).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var after = Parser.ParseDocument(await (await admin.GetAsync(Page)).Content.ReadAsStringAsync());
        after.QuerySelector("[role=status]")!.TextContent.ShouldContain($"Email {id} is discarded");
        after.QuerySelector("[data-testid=waiting]")!.TextContent.Trim().ShouldBe((waiting - 1).ToString());
        after.QuerySelector("[data-testid=discarded-count]")!.TextContent.Trim().ShouldBe("1");
        after.QuerySelector($"tr[data-email-id='{id}']").ShouldBeNull();

        // The server is back and the hour has passed: still never sent, and the row is kept, marked.
        idp.Smtp.Start();
        await idp.QueryAsync(db => db.EmailOutbox.Where(e => e.Id == id).ExecuteUpdateAsync(set => set.SetProperty(e => e.NextAttemptAt, DateTime.UtcNow.AddMinutes(-1))));
        await DeliverAsync(idp);
        await Task.Delay(500);
        idp.Smtp.Find(to).ShouldBeEmpty();
        var discarded = await RowAsync(idp, id);
        discarded.DiscardedAt.ShouldNotBeNull();
        discarded.DiscardedBy.ShouldBe("cersadmin1");
        discarded.SentAt.ShouldBeNull();
        RecipientEmails.StateOf(discarded.SentAt, discarded.FailedAt, discarded.DiscardedAt, discarded.Attempts).ShouldBe(DeliveryState.Discarded);

        var audit = await idp.QueryAsync(db => db.AuditEvents.Where(a => a.Kind == AuditKinds.EmailDiscarded).ToListAsync());
        audit.ShouldHaveSingleItem().UserName.ShouldBe("cersadmin1");
    }

    [Fact]
    public async Task Hostile_email_ids_get_a_redirect_with_a_message_and_change_nothing()
    {
        await using var idp = StartIdp();
        var to = $"hostile{UniqueNames.Number()}@example.com";
        idp.Smtp.RefuseForGood(to);
        var id = await AddEmailAsync(idp, to, "Hostile notice");
        await DeliverAsync(idp);
        using var admin = await SignInAdminAsync(idp);
        var page = await admin.GetAsync(Page);

        foreach (var hostile in new[] { "", "abc", "-1", "99999999999999999999999", "1 OR 1=1", "<script>", $"{id}.5" })
        {
            foreach (var handler in new[] { "Retry", "Discard" })
            {
                var form = await BrowserSignIn.ReadFormAsync(page, new Uri(idp.Host.BaseAddress, Page), $"tr[data-email-id='{id}'] form[action*='handler={handler}']");
                form.Fields["id"] = hostile;
                var answer = await admin.PostAsync(form.Action, new FormUrlEncodedContent(form.Fields));
                answer.StatusCode.ShouldBe(HttpStatusCode.Redirect, $"{handler} {hostile}");
            }
        }

        var row = await RowAsync(idp, id);
        row.FailedAt.ShouldNotBeNull();
        row.DiscardedAt.ShouldBeNull();
        (await idp.QueryAsync(db => db.AuditEvents.CountAsync(a => a.Kind == AuditKinds.EmailDiscarded || a.Kind == AuditKinds.EmailRetriedNow))).ShouldBe(0);
    }

    [Fact]
    public async Task The_page_is_for_CERS_admins_only()
    {
        await using var idp = StartIdp();
        using var anonymous = idp.CreateBrowser();
        var toLogin = await anonymous.GetAsync(Page);
        toLogin.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        toLogin.Headers.Location!.ToString().ShouldContain("/Account/Login");
        (await anonymous.PostAsync($"{Page}?handler=Discard", new FormUrlEncodedContent([new("id", "1")]))).StatusCode
            .ShouldBeOneOf(HttpStatusCode.Redirect, HttpStatusCode.BadRequest);

        const string Password = "a long enough test password";
        await idp.Host.CreateActiveAccountAsync("emailops1", "Not", "Admin", Password);
        using var ordinary = idp.CreateBrowser();
        await BrowserSignIn.PostLoginAsync(ordinary, new Uri(idp.Host.BaseAddress, "/Account/Login"), "emailops1", Password);
        var denied = await ordinary.GetAsync(Page);
        denied.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        denied.Headers.Location!.AbsolutePath.ShouldBe("/Account/AccessDenied");
    }

    [Fact]
    public async Task Retry_now_racing_two_discards_of_the_same_email_gives_exactly_one_outcome_and_one_audit_record()
    {
        await using var idp = StartIdp();
        const int Emails = 10;
        var addresses = Enumerable.Range(0, Emails).Select(_ => $"race{UniqueNames.Number()}@example.com").ToList();
        var ids = new List<long>();
        foreach (var address in addresses)
        {
            idp.Smtp.RefuseForGood(address);
            ids.Add(await AddEmailAsync(idp, address, "Raced notice"));
        }

        (await DeliverAsync(idp)).ShouldBe(0);
        addresses.ForEach(idp.Smtp.Accept);

        var retried = new List<long>();
        foreach (var id in ids)
        {
            var outcomes = await Task.WhenAll(
                Task.Run(() => RetryAsync(idp, id)),
                Task.Run(() => DiscardAsync(idp, id, "admin-a")),
                Task.Run(() => DiscardAsync(idp, id, "admin-b")));
            outcomes.Count(o => o.Outcome == OutboxActionOutcome.Done).ShouldBe(1, $"email {id}");
            var row = await RowAsync(idp, id);
            if (outcomes[0].Outcome == OutboxActionOutcome.Done)
            {
                retried.Add(id);
                row.DiscardedAt.ShouldBeNull();
                row.FailedAt.ShouldBeNull();
            }
            else
            {
                row.DiscardedAt.ShouldNotBeNull();
                row.FailedAt.ShouldNotBeNull();
            }
        }

        var audit = await idp.QueryAsync(db => db.AuditEvents
            .Where(a => a.Kind == AuditKinds.EmailRetriedNow || a.Kind == AuditKinds.EmailDiscarded).ToListAsync());
        audit.Count.ShouldBe(Emails);
        audit.Count(a => a.Kind == AuditKinds.EmailRetriedNow).ShouldBe(retried.Count);

        (await DeliverAsync(idp)).ShouldBe(retried.Count);
        for (var i = 0; i < Emails; i++)
        {
            if (retried.Contains(ids[i]))
            {
                await idp.Smtp.WaitForAsync(addresses[i], "Raced notice");
            }
        }

        await Task.Delay(500);
        idp.Smtp.Messages.Count.ShouldBe(retried.Count);
    }

    [Fact]
    public async Task An_email_a_delivery_run_holds_is_neither_retried_nor_discarded()
    {
        await using var idp = StartIdp();
        var id = await AddEmailAsync(idp, $"held{UniqueNames.Number()}@example.com", "Held notice");

        // As a run's claim leaves it: a claim token and a lease in the future, after an earlier failed attempt.
        await idp.QueryAsync(db => db.EmailOutbox.Where(e => e.Id == id).ExecuteUpdateAsync(set => set
            .SetProperty(e => e.Attempts, 1)
            .SetProperty(e => e.ClaimToken, Guid.NewGuid())
            .SetProperty(e => e.NextAttemptAt, DateTime.UtcNow.AddMinutes(5))));

        (await DiscardAsync(idp, id, "admin-a")).Outcome.ShouldBe(OutboxActionOutcome.NotAtRest);
        (await RetryAsync(idp, id)).Outcome.ShouldBe(OutboxActionOutcome.NotAtRest);
        (await DiscardAsync(idp, 999_999, "admin-a")).Outcome.ShouldBe(OutboxActionOutcome.NotFound);
        (await RowAsync(idp, id)).DiscardedAt.ShouldBeNull();
        (await idp.QueryAsync(db => db.AuditEvents.CountAsync(a => a.Kind == AuditKinds.EmailDiscarded || a.Kind == AuditKinds.EmailRetriedNow))).ShouldBe(0);
    }

    private static Task<OutboxActionResult> RetryAsync(IsolatedIdp idp, long id) =>
        CommandAsync(idp, AuditKinds.EmailRetriedNow, (operations, audit) => operations.RetryNowAsync(id, "racer", audit, CancellationToken.None));

    private static Task<OutboxActionResult> DiscardAsync(IsolatedIdp idp, long id, string admin) =>
        CommandAsync(idp, AuditKinds.EmailDiscarded, (operations, audit) => operations.DiscardAsync(id, admin, audit, CancellationToken.None));

    /// <summary>A command as a page runs it: a scope (a request) of its own, its audit row added by the service's audit log.</summary>
    private static async Task<OutboxActionResult> CommandAsync(IsolatedIdp idp, string kind,
        Func<OutboxOperations<IdpDbContext>, Action<OutboxEntry>, Task<OutboxActionResult>> command)
    {
        await using var scope = idp.Services.CreateAsyncScope();
        var audit = scope.ServiceProvider.GetRequiredService<AuditLog>();
        return await command(scope.ServiceProvider.GetRequiredService<OutboxOperations<IdpDbContext>>(),
            email => audit.Add(kind, null, "racer", OutboxOperationsText.AuditDetail(email, "racer")));
    }

    private static async Task<long> AddEmailAsync(IsolatedIdp idp, string to, string subject)
    {
        var key = "ops" + UniqueNames.Number();
        await idp.QueryAsync(db =>
        {
            idp.Services.GetRequiredService<EmailOutbox>().Add(db,
                new OutgoingEmail(key, "ops-test", to, "", subject, $"secret-link-{key}", $"<p>secret-link-{key}</p>"));
            return db.SaveChangesAsync();
        });
        return await idp.QueryAsync(db => db.EmailOutbox.Where(e => e.IdempotencyKey == key).Select(e => e.Id).SingleAsync());
    }

    private static Task<OutboxEmail> RowAsync(IsolatedIdp idp, long id) =>
        idp.QueryAsync(db => db.EmailOutbox.AsNoTracking().SingleAsync(e => e.Id == id));

    private static Task<int> DeliverAsync(IsolatedIdp idp) =>
        idp.RunAsync<OutboxDeliveryJob<IdpDbContext>, int>(job => job.DeliverDueAsync(CancellationToken.None));

    private static async Task<HttpClient> SignInAdminAsync(IsolatedIdp idp)
    {
        var admin = idp.CreateBrowser();
        await BrowserSignIn.SignInWithSecondFactorAsync(admin, "cersadmin1", AdminPassword);
        return admin;
    }
}
