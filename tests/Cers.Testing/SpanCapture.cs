using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Cers.Testing;

/// <summary>
/// An exporter on a host's own OpenTelemetry tracer provider that keeps every span it would send to the Aspire dashboard:
/// so a test sees what the service's tracing configuration exports (its sources, instrumentations and sampling), not what
/// any listener in the process could see.
/// </summary>
public sealed class SpanCapture : BaseExporter<Activity>
{
    private readonly ConcurrentQueue<Activity> _spans = new();

    public IReadOnlyCollection<Activity> Spans => _spans;

    /// <summary>Adds this exporter to the host's tracer provider (for <c>services:</c> of a test host).</summary>
    public void AddTo(IServiceCollection services) =>
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(new SimpleActivityExportProcessor(this)));

    public override ExportResult Export(in Batch<Activity> batch)
    {
        foreach (var span in batch)
        {
            _spans.Enqueue(span);
        }

        return ExportResult.Success;
    }

    /// <summary>Waits up to <paramref name="timeout"/> (10 s) for a span <paramref name="match"/> accepts to be exported.</summary>
    public async Task<Activity> WaitForAsync(Func<Activity, bool> match, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            if (_spans.FirstOrDefault(match) is { } found)
            {
                return found;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No span {what} was exported; spans seen: "
                    + string.Join(", ", _spans.Select(s => $"{s.Source.Name}/{s.DisplayName}").Distinct().Take(40)));
            }

            await Task.Delay(50);
        }
    }
}
