using System.Diagnostics;
using Cers.Email.Outbox;
using Cers.Idp.Data;
using Cers.Idp.Tests.Infrastructure;
using Cers.Jobs;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;

namespace Cers.Idp.Tests.Telemetry;

/// <summary>
/// What the provider's tracer provider exports (what the Aspire dashboard shows), read by an exporter added to it: a request's
/// database spans, a span per Hangfire job run linked to the trace that queued it, and under it a span per email delivery
/// linked to the request that owed the email, with MailKit's SMTP spans beneath.
/// </summary>
public sealed class TracingTests
{
    private const string EntityFrameworkSource = "OpenTelemetry.Instrumentation.EntityFrameworkCore";

    [Fact]
    public async Task An_emailed_registration_is_traced_from_the_request_through_the_job_run_to_the_SMTP_conversation()
    {
        await using var host = TracedProvider.Start();
        var applicant = Applicant.New();
        using var browser = BrowserSignIn.NewBrowser(host.Idp.BaseAddress);

        var request = await RegisterInTraceOfItsOwnAsync(browser, applicant);

        await host.Smtp.WaitForAsync(applicant.Email, "Activate your CERS account");

        // The request's own work: its server span and the database commands it ran, in the caller's trace.
        var spans = host.Spans;
        await spans.WaitForAsync(s => s.TraceId == request && s.Kind == ActivityKind.Server && s.DisplayName.Contains("Register", StringComparison.Ordinal), "for the registration POST");
        // The request's database spans may reach the exporter a moment after its server span on a loaded machine.
        await spans.WaitForAsync(s => s.TraceId == request && s.Source.Name == EntityFrameworkSource
            && (s.GetTagItem("db.statement") as string ?? "").Contains("INSERT INTO \"AspNetUsers\"", StringComparison.Ordinal),
            "for the registration's INSERT of the account");
        var requestQueries = spans.Spans.Where(s => s.TraceId == request && s.Source.Name == EntityFrameworkSource).ToList();
        requestQueries.ShouldNotBeEmpty();
        // The instrumentation's default (experimental) attributes; OTEL_SEMCONV_STABILITY_OPT_IN=database switches them.
        requestQueries.ShouldAllBe(s => s.Kind == ActivityKind.Client && s.GetTagItem("db.system") != null);
        requestQueries.Select(s => s.GetTagItem("db.statement") as string ?? "").ShouldContain(sql => sql.Contains("INSERT INTO \"AspNetUsers\"", StringComparison.Ordinal));

        // The delivery: a span of its own linked back to the request, under the job run's span.
        var delivery = await spans.WaitForAsync(s => s.Source.Name == EmailTracing.SourceName && IsLinkedTo(s, request), "linked to the registration");
        delivery.GetTagItem("cers.email.kind").ShouldBe("activation");
        delivery.GetTagItem("cers.email.outcome").ShouldBe("sent");
        delivery.TraceId.ShouldNotBe(request);
        // The run's span ends, and is exported, only after the delivery under it: wait for it as for the others.
        var run = await spans.WaitForAsync(s => s.SpanId == delivery.ParentSpanId, "for the delivery's job run");
        run.Source.Name.ShouldBe(JobTracing.SourceName);
        run.DisplayName.ShouldBe("OutboxDeliveryJob.DeliverDueAsync");
        run.GetTagItem("hangfire.job.id").ShouldNotBeNull();
        run.Status.ShouldBe(ActivityStatusCode.Unset);

        // MailKit's SMTP commands for this email sit under the delivery; the run's own claims and records are database spans in its trace.
        spans.Spans.Where(s => s.Source.Name.StartsWith("MailKit", StringComparison.Ordinal) && s.ParentSpanId == delivery.SpanId).ShouldNotBeEmpty();
        spans.Spans.Where(s => s.Source.Name == EntityFrameworkSource && s.TraceId == run.TraceId).ShouldNotBeEmpty();
    }

    [Fact]
    public async Task A_job_run_links_to_the_span_that_queued_it_and_a_failing_run_says_why()
    {
        await using var host = TracedProvider.Start();
        var jobs = host.Idp.Services.GetRequiredService<IBackgroundJobClient>();

        string delivery, failing;
        ActivityContext queuedBy;
        using (var queuer = new Activity("test queues jobs").SetIdFormat(ActivityIdFormat.W3C).Start())
        {
            queuedBy = queuer.Context;
            delivery = jobs.Enqueue<OutboxDeliveryJob<IdpDbContext>>(job => job.DeliverDueAsync(CancellationToken.None));
            failing = jobs.Enqueue(() => FailingJob.RunAsync());
        }

        // Job ids are numbered per storage, so another host in this process may run a job of the same id: match the link too.
        var deliveryRun = await host.Spans.WaitForAsync(s => Equals(s.GetTagItem("hangfire.job.id"), delivery) && IsLinkedTo(s, queuedBy.TraceId), $"for job {delivery}");
        var failingRun = await host.Spans.WaitForAsync(s => Equals(s.GetTagItem("hangfire.job.id"), failing) && IsLinkedTo(s, queuedBy.TraceId), $"for job {failing}");

        foreach (var run in new[] { deliveryRun, failingRun })
        {
            run.Source.Name.ShouldBe(JobTracing.SourceName);
            run.Kind.ShouldBe(ActivityKind.Consumer);
            run.ParentSpanId.ShouldBe(default);
            run.TraceId.ShouldNotBe(queuedBy.TraceId);
            var link = run.Links.ShouldHaveSingleItem().Context;
            link.TraceId.ShouldBe(queuedBy.TraceId);
            link.SpanId.ShouldBe(queuedBy.SpanId);
        }

        deliveryRun.Status.ShouldBe(ActivityStatusCode.Unset);
        failingRun.DisplayName.ShouldBe("FailingJob.RunAsync");
        failingRun.Status.ShouldBe(ActivityStatusCode.Error);
        failingRun.StatusDescription.ShouldBe(nameof(InvalidOperationException));
        failingRun.Events.ShouldContain(e => e.Name == "exception");
    }

    [Fact]
    public async Task A_refused_email_s_span_says_the_reply_code_and_no_span_names_the_recipient()
    {
        await using var host = TracedProvider.Start();
        var applicant = Applicant.New();
        host.Smtp.RefuseForGood(applicant.Email);
        using var browser = BrowserSignIn.NewBrowser(host.Idp.BaseAddress);

        // The tracer provider sees every host in this process (test classes run in parallel), so the delivery is found by
        // its link to this registration's trace, not by being the first email span with an outcome.
        var request = await RegisterInTraceOfItsOwnAsync(browser, applicant);

        var delivery = await host.Spans.WaitForAsync(s => s.Source.Name == EmailTracing.SourceName && s.GetTagItem("cers.email.outcome") != null
            && IsLinkedTo(s, request), "for the refused email");
        delivery.GetTagItem("cers.email.outcome").ShouldBe("set_aside");
        delivery.Status.ShouldBe(ActivityStatusCode.Error);
        delivery.StatusDescription.ShouldBe("550");

        // Wait for the run to end, so every span of the attempt has been exported, then read them all.
        await host.Spans.WaitForAsync(s => s.SpanId == delivery.ParentSpanId, "for the delivery's run");
        var texts = host.Spans.Spans.SelectMany(s => new[] { s.DisplayName, s.StatusDescription ?? "" }
            .Concat(s.TagObjects.Select(t => $"{t.Value}"))
            .Concat(s.Events.SelectMany(e => e.Tags.Select(t => $"{t.Value}"))));
        texts.ShouldNotContain(t => t.Contains(applicant.Email, StringComparison.OrdinalIgnoreCase));
    }

    private static bool IsLinkedTo(Activity span, ActivityTraceId trace) => span.Links.Any(l => l.Context.TraceId == trace);

    /// <summary>
    /// Registers <paramref name="applicant"/> inside a sampled trace of the test's own, which travels in the traceparent header
    /// as from a gateway that traces; returns its id.
    /// </summary>
    private static async Task<ActivityTraceId> RegisterInTraceOfItsOwnAsync(HttpClient browser, Applicant applicant)
    {
        using var caller = new Activity("person registers").SetIdFormat(ActivityIdFormat.W3C).Start();
        caller.ActivityTraceFlags = ActivityTraceFlags.Recorded;
        await AccountForms.RegisterAcceptedAsync(browser, applicant);
        return caller.TraceId;
    }

    /// <summary>A provider of the test's own with an exporter on its tracer provider.</summary>
    private sealed class TracedProvider : IAsyncDisposable
    {
        private readonly TempDirectory _data = new();

        private TracedProvider(SmtpListener smtp, SpanCapture spans)
        {
            Smtp = smtp;
            Spans = spans;
            Idp = new IdpHost(_data.Path, smtp.Settings().ToDictionary(), kestrel: true, services: spans.AddTo);
        }

        public SmtpListener Smtp { get; }

        public SpanCapture Spans { get; }

        public IdpHost Idp { get; }

        public static TracedProvider Start()
        {
            var host = new TracedProvider(new SmtpListener(), new SpanCapture());
            host.Idp.Start();
            return host;
        }

        public async ValueTask DisposeAsync()
        {
            await Idp.DisposeAsync();
            await Smtp.DisposeAsync();
            _data.Dispose();
        }
    }
}

/// <summary>A job that fails, for the run span's error status.</summary>
public static class FailingJob
{
    [AutomaticRetry(Attempts = 0)]
    public static Task RunAsync() => throw new InvalidOperationException("This job fails on purpose.");
}
