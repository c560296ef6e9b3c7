using System.Diagnostics.Metrics;
using Cers.Email.Outbox;
using Hangfire;
using Cers.Idp.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Cers.Idp.Tests.Email;

/// <summary>Emails are owed from the moment the change that owes them commits, whatever happens to the SMTP server or the process.</summary>
public sealed class OutboxDeliveryTests
{
    [Fact]
    public async Task An_email_owed_while_the_SMTP_server_is_down_is_delivered_once_it_is_back()
    {
        await using var idp = IsolatedIdp.Start();
        using var retried = Collect(idp, "cers.email.retried");
        using var oldest = new MetricCollector<double>(idp.Services.GetRequiredService<IMeterFactory>(), Cers.Idp.Telemetry.IdpMetrics.MeterName, "cers.email.oldest_waiting.age");
        await idp.Smtp.StopAsync();
        using var browser = idp.CreateBrowser();
        var applicant = Applicant.New();

        await AccountForms.RegisterAcceptedAsync(browser, applicant);
        var failed = await WaitUntilAsync(() => idp.QueryAsync(db => db.EmailOutbox.AnyAsync(e => e.ToAddress == applicant.Email && e.Attempts > 0 && e.SentAt == null)));
        failed.ShouldBeTrue("the first delivery attempt should have failed against the stopped SMTP server");
        (await WaitUntilAsync(() => Task.FromResult(retried.GetMeasurementSnapshot().Sum(m => m.Value) > 0))).ShouldBeTrue();
        retried.GetMeasurementSnapshot().ShouldAllBe(m => Equals(m.Tags["cers.email.kind"], "activation"));
        await Task.Delay(50);
        oldest.RecordObservableInstruments();
        oldest.LastMeasurement.ShouldNotBeNull().Value.ShouldBeGreaterThan(0);

        idp.Smtp.Start();
        var email = await idp.Smtp.WaitForAsync(applicant.Email, "Activate your CERS account");
        (await WaitUntilAsync(() =>
        {
            oldest.RecordObservableInstruments();
            return Task.FromResult(oldest.LastMeasurement?.Value == 0);
        })).ShouldBeTrue("nothing waits once the email is sent");

        email.TextBody.ShouldNotBeNull().ShouldContain(applicant.UserName);
        await Task.Delay(2000);
        idp.Smtp.Find(applicant.Email).Count.ShouldBe(1);
        (await idp.QueryAsync(db => db.EmailOutbox.SingleAsync(e => e.ToAddress == applicant.Email))).SentAt.ShouldNotBeNull();
    }

    [Fact]
    public async Task An_email_owed_when_the_provider_stops_is_delivered_exactly_once_after_a_restart()
    {
        // The first provider runs no job server, so nothing it commits is delivered before it stops.
        await using var idp = IsolatedIdp.Start(fakeClock: false, ("Jobs:RunServer", "false"));
        using (var browser = idp.CreateBrowser())
        {
            await AccountForms.RegisterAcceptedAsync(browser, Applicant.New() with { });
        }

        var applicant = Applicant.New();
        using (var browser = idp.CreateBrowser())
        {
            await AccountForms.RegisterAcceptedAsync(browser, applicant);
        }

        (await idp.QueryAsync(db => db.EmailOutbox.CountAsync(e => e.SentAt == null))).ShouldBe(2);
        await Task.Delay(500);
        idp.Smtp.Messages.ShouldBeEmpty();

        idp.Restart(("Jobs:RunServer", "true"));

        await idp.Smtp.WaitForAsync(applicant.Email, "Activate your CERS account");
        await WaitUntilAsync(() => idp.QueryAsync(db => db.EmailOutbox.AllAsync(e => e.SentAt != null)));
        await Task.Delay(2000);
        idp.Smtp.Messages.Count.ShouldBe(2);
        idp.Smtp.Find(applicant.Email).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Two_delivery_runs_at_once_send_each_email_once()
    {
        await using var idp = IsolatedIdp.Start(fakeClock: false, ("Jobs:RunServer", "false"));
        var applicants = Enumerable.Range(0, 6).Select(_ => Applicant.New()).ToList();
        foreach (var applicant in applicants)
        {
            using var browser = idp.CreateBrowser();
            await AccountForms.RegisterAcceptedAsync(browser, applicant);
        }

        var sent = await Task.WhenAll(
            idp.RunAsync<OutboxDeliveryJob<Cers.Idp.Data.IdpDbContext>, int>(job => job.DeliverDueAsync(CancellationToken.None)),
            idp.RunAsync<OutboxDeliveryJob<Cers.Idp.Data.IdpDbContext>, int>(job => job.DeliverDueAsync(CancellationToken.None)));

        sent.Sum().ShouldBe(6);
        foreach (var applicant in applicants)
        {
            await idp.Smtp.WaitForAsync(applicant.Email, "Activate");
        }

        idp.Smtp.Messages.Count.ShouldBe(6);
        idp.Smtp.Messages.Select(m => m.MessageId).Distinct().Count().ShouldBe(6);
    }

    [Fact]
    public async Task An_email_that_cannot_be_sent_is_set_aside_and_the_emails_behind_it_still_go_and_sent_bodies_are_not_kept()
    {
        await using var idp = IsolatedIdp.Start(fakeClock: false, ("Jobs:RunServer", "false"));
        using var queued = Collect(idp, "cers.email.queued");
        using var sentCount = Collect(idp, "cers.email.sent");
        using var failedCount = Collect(idp, "cers.email.failed");
        await idp.QueryAsync(async db =>
        {
            var outbox = idp.Services.GetRequiredService<EmailOutbox>();
            outbox.Add(db, new OutgoingEmail("test:bad", "test", "a..b@example.com", "", "Unsendable", "text", "<p>html</p>"));
            outbox.Add(db, new OutgoingEmail("test:good", "test", "good@example.com", "", "Sendable", "secret link text", "<p>secret link</p>"));
            return await db.SaveChangesAsync();
        });

        var sent = await idp.RunAsync<OutboxDeliveryJob<Cers.Idp.Data.IdpDbContext>, int>(job => job.DeliverDueAsync(CancellationToken.None));

        sent.ShouldBe(1);
        await idp.Smtp.WaitForAsync("good@example.com", "Sendable");
        var rows = await idp.QueryAsync(db => db.EmailOutbox.AsNoTracking().OrderBy(e => e.Id).ToListAsync());
        rows[0].FailedAt.ShouldNotBeNull();
        rows[0].SentAt.ShouldBeNull();
        rows[1].SentAt.ShouldNotBeNull();
        rows[1].TextBody.ShouldBeEmpty();
        rows[1].HtmlBody.ShouldBeEmpty();

        (await idp.RunAsync<OutboxDeliveryJob<Cers.Idp.Data.IdpDbContext>, int>(job => job.DeliverDueAsync(CancellationToken.None))).ShouldBe(0);

        // The provider's meter: two queued in one commit, one sent and one set aside, each of kind "test".
        queued.GetMeasurementSnapshot().Sum(m => m.Value).ShouldBe(2);
        sentCount.GetMeasurementSnapshot().ShouldHaveSingleItem().Tags["cers.email.kind"].ShouldBe("test");
        failedCount.GetMeasurementSnapshot().ShouldHaveSingleItem().Tags["cers.email.kind"].ShouldBe("test");
    }

    [Fact]
    public async Task A_delivery_run_the_database_fails_asks_for_another_run_soon_which_sends_what_it_left()
    {
        await using var idp = IsolatedIdp.Start(fakeClock: false, ("Jobs:RunServer", "false"));
        await idp.QueryAsync(async db =>
        {
            idp.Services.GetRequiredService<EmailOutbox>().Add(db, new OutgoingEmail("test:owed", "test", "owed@example.com", "", "Owed", "text", "<p>html</p>"));
            return await db.SaveChangesAsync();
        });
        var monitoring = idp.Services.GetRequiredService<JobStorage>().GetMonitoringApi();
        monitoring.ScheduledCount().ShouldBe(0);

        // The database refuses the run's claim, as a server that has gone away or a deadlock would.
        await idp.QueryAsync(db => db.Database.ExecuteSqlRawAsync(db.Database.IsNpgsql()
            ? """
              CREATE FUNCTION refuse_claims() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'claims refused'; END $$;
              CREATE TRIGGER refuse_claims BEFORE UPDATE OF "ClaimToken" ON "EmailOutbox" FOR EACH ROW EXECUTE FUNCTION refuse_claims();
              """
            : """CREATE TRIGGER refuse_claims BEFORE UPDATE OF ClaimToken ON EmailOutbox BEGIN SELECT RAISE(ABORT, 'claims refused'); END;"""));

        var failed = await Should.ThrowAsync<Exception>(() => idp.RunAsync<OutboxDeliveryJob<Cers.Idp.Data.IdpDbContext>, int>(job => job.DeliverDueAsync(CancellationToken.None)));
        failed.ToString().ShouldContain("claims refused");
        idp.Smtp.Messages.ShouldBeEmpty();
        var retry = monitoring.ScheduledJobs(0, 10).ShouldHaveSingleItem().Value;
        retry.Job.Type.ShouldBe(typeof(OutboxDeliveryJob<Cers.Idp.Data.IdpDbContext>));
        retry.EnqueueAt.ShouldBeLessThan(DateTime.UtcNow.AddSeconds(10), "the retry comes after the first retry delay, not the recurring run");

        await idp.QueryAsync(db => db.Database.ExecuteSqlRawAsync(db.Database.IsNpgsql() ? """DROP TRIGGER refuse_claims ON "EmailOutbox";""" : "DROP TRIGGER refuse_claims;"));
        (await idp.RunAsync<OutboxDeliveryJob<Cers.Idp.Data.IdpDbContext>, int>(job => job.DeliverDueAsync(CancellationToken.None))).ShouldBe(1);
        await idp.Smtp.WaitForAsync("owed@example.com", "Owed");
    }

    private static MetricCollector<long> Collect(IsolatedIdp idp, string instrument) =>
        new(idp.Services.GetRequiredService<IMeterFactory>(), Cers.Idp.Telemetry.IdpMetrics.MeterName, instrument);

    private static async Task<bool> WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 100; i++)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }
}
