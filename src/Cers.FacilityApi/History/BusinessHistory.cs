namespace Cers.FacilityApi.History;

/// <summary>
/// A business's or a facility's timeline of access events, newest first, merged from every <see cref="IBusinessHistorySource"/>. A page
/// needs no more than the newest page x size entries of each source: whatever is on the page is among them. Entries at
/// the same instant keep their source's order, and the sources their order of registration, so the order is the same
/// on every call.
/// </summary>
public sealed class BusinessHistory(IEnumerable<IBusinessHistorySource> sources)
{
    public async Task<(IReadOnlyList<BusinessHistoryEntry> Entries, int Total)> PageAsync(HistoryScope scope, int page, int pageSize,
        CancellationToken cancellationToken)
    {
        var total = 0;
        var newest = new List<BusinessHistoryEntry>();
        foreach (var source in sources)
        {
            total += await source.CountAsync(scope, cancellationToken);
            newest.AddRange(await source.NewestAsync(scope, page * pageSize, cancellationToken));
        }

        return ([.. NewestFirst(newest).Skip((page - 1) * pageSize).Take(pageSize)], total);
    }

    public async Task<IReadOnlyList<BusinessHistoryEntry>> AllAsync(HistoryScope scope, CancellationToken cancellationToken)
    {
        var all = new List<BusinessHistoryEntry>();
        foreach (var source in sources)
        {
            all.AddRange(await source.NewestAsync(scope, take: null, cancellationToken));
        }

        return [.. NewestFirst(all)];
    }

    // OrderByDescending is a stable sort: ties keep the order they were added in.
    private static IEnumerable<BusinessHistoryEntry> NewestFirst(List<BusinessHistoryEntry> entries) =>
        entries.OrderByDescending(e => e.OccurredAt);
}
