using Cers.Idp.Data;

namespace Cers.Idp.Audit;

/// <summary>
/// Adds audit events to the caller's unit of work, so an event is committed with the change it
/// records (or not at all). The client IP comes from the current request when there is one.
/// </summary>
public sealed class AuditLog(IdpDbContext db, IHttpContextAccessor http, TimeProvider time)
{
    /// <summary>The client's address for events recorded after its request, in a job the request queued.</summary>
    public string? ClientAddress { get; set; }

    public void Add(string kind, string? subjectId, string? userName, string? detail = null)
    {
        db.AuditEvents.Add(new AuditEvent
        {
            OccurredAt = time.GetUtcNow().UtcDateTime,
            Kind = kind,
            SubjectId = subjectId,
            UserName = userName,
            IpAddress = http.HttpContext?.Connection.RemoteIpAddress?.ToString() ?? ClientAddress,
            Detail = detail is { Length: > 500 } ? detail[..500] : detail,
        });
    }

    /// <summary>Records an event on its own, for events with no other change to ride on (a failed sign-in).</summary>
    public async Task WriteAsync(string kind, string? subjectId, string? userName, CancellationToken cancellationToken, string? detail = null)
    {
        Add(kind, subjectId, userName, detail);
        await db.SaveChangesAsync(cancellationToken);
    }
}
