using System.Diagnostics.Metrics;
using Cers.FacilityApi.AccessRequests;

namespace Cers.FacilityApi.Telemetry;

/// <summary>
/// The facility API's own meter, <see cref="MeterName"/> (through <see cref="IMeterFactory"/>; the email outbox's
/// instruments share it): access requests created and decided by route, reminded, escalated and expired, and how long
/// facility searches take. Attribute values are bounded sets (routes, decisions), never a person or an address.
/// </summary>
public sealed class FacilityApiMetrics
{
    public const string MeterName = "Cers.FacilityApi";

    private readonly Counter<long> _created;
    private readonly Counter<long> _decided;
    private readonly Counter<long> _reminded;
    private readonly Counter<long> _escalated;
    private readonly Counter<long> _expired;
    private readonly Histogram<double> _searchDuration;

    public FacilityApiMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _created = meter.CreateCounter<long>("cers.access_request.created", "{request}", "Access requests created, by route (lead_user or regulator).");
        _decided = meter.CreateCounter<long>("cers.access_request.decided", "{request}",
            "Access requests decided, by the route that decided (lead_user or regulator) and the decision (approved or denied).");
        _reminded = meter.CreateCounter<long>("cers.access_request.reminded", "{request}", "Pending requests whose approvers were reminded.");
        _escalated = meter.CreateCounter<long>("cers.access_request.escalated", "{request}", "Pending requests escalated to the regulator.");
        _expired = meter.CreateCounter<long>("cers.access_request.expired", "{request}", "Pending requests expired undecided.");
        _searchDuration = meter.CreateHistogram<double>("cers.facility.search.duration", "s", "How long a facility address search took.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });
    }

    public static string RouteName(AccessRequestRoute route) => route == AccessRequestRoute.Regulator ? "regulator" : "lead_user";

    public void Created(AccessRequestRoute route) => _created.Add(1, new KeyValuePair<string, object?>("cers.route", RouteName(route)));

    public void Decided(bool byRegulator, bool approved) => _decided.Add(1,
        new KeyValuePair<string, object?>("cers.route", RouteName(byRegulator ? AccessRequestRoute.Regulator : AccessRequestRoute.LeadUser)),
        new KeyValuePair<string, object?>("cers.decision", approved ? "approved" : "denied"));

    public void Reminded(int count) => _reminded.Add(count);

    public void Escalated(int count) => _escalated.Add(count);

    public void Expired(int count) => _expired.Add(count);

    public void Searched(TimeSpan took) => _searchDuration.Record(took.TotalSeconds);
}
