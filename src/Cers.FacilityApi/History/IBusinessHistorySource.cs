namespace Cers.FacilityApi.History;

/// <summary>Whose timeline: a business's, or a facility's (across the businesses that had it).</summary>
public readonly record struct HistoryScope(int? BusinessId, int? FacilityCersId)
{
    public static HistoryScope OfBusiness(int businessId) => new(businessId, null);

    public static HistoryScope OfFacility(int cersId) => new(null, cersId);
}

/// <summary>
/// One kind of record a business's timeline is made of, read from where it is already kept. A new kind of access event
/// (an invitation, a facility transfer) joins the timeline by implementing this and being registered in
/// <see cref="HistoryExtensions.AddBusinessHistory"/>; the paging, the merging and the CSV take it from there.
/// </summary>
public interface IBusinessHistorySource
{
    Task<int> CountAsync(HistoryScope scope, CancellationToken cancellationToken);

    /// <summary>
    /// The scope's newest <paramref name="take"/> entries (every one when null), newest first; entries at the same
    /// instant in an order that does not change between calls, so pages neither repeat nor skip one.
    /// </summary>
    Task<List<BusinessHistoryEntry>> NewestAsync(HistoryScope scope, int? take, CancellationToken cancellationToken);
}
