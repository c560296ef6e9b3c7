namespace Cers.Benchmarks;

/// <summary>What the process used while one piece of work ran, all in bytes.</summary>
/// <param name="HeapAtRest">Managed heap after a full, compacting collection just before the work.</param>
/// <param name="PeakHeap">The largest managed heap seen, garbage not yet collected included: it follows the collector's budgets as much as the work.</param>
/// <param name="PeakLive">
/// The most live data any full (gen 2) collection during the work found: heap size after it, free space
/// left out. Null when no full collection ran. This is the figure that grows if the work holds on to memory.
/// </param>
/// <param name="FullCollections">Full (gen 2) collections during the work, background ones included.</param>
/// <param name="HeapAfter">Managed heap after a full, compacting collection straight after the work, before its objects are released.</param>
/// <param name="WorkingSetAtStart">The resident set when the work began: it carries whatever came before (the bulk seeding's freed native memory among it).</param>
/// <param name="PeakWorkingSet">The largest resident set seen, native memory (SQLite's page caches) included.</param>
/// <param name="Allocated">
/// Allocated during the work: expected to grow with the work's size. Null when the runtime's counter went backwards
/// during the work, which it does under server GC when the dynamic heap count (DATAS) takes a heap out of use: the
/// total then leaves out what that heap allocated (dotnet/runtime#131069), and the difference would be wrong.
/// </param>
internal sealed record MemoryUse(long HeapAtRest, long PeakHeap, long? PeakLive, int FullCollections, long HeapAfter,
    long WorkingSetAtStart, long PeakWorkingSet, long? Allocated);

/// <summary>
/// Samples the process's memory every few milliseconds on a thread of its own while work runs and keeps
/// the highest values. Full collections are read back by kind (blocking, background), the latest of
/// each at every sample; two of one kind within one interval does not happen at these heap sizes.
/// </summary>
internal sealed class MemoryHighWaterMark : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(10);
    private static readonly GCKind[] FullKinds = [GCKind.FullBlocking, GCKind.Background];

    private readonly long _heapAtRest;
    private readonly long _workingSetAtStart;
    private readonly long _allocatedBefore;
    private readonly int _fullCollectionsBefore;
    private readonly long _gcIndexBefore;
    private readonly Thread _sampler;
    private readonly ManualResetEventSlim _stop = new();
    private long _peakHeap;
    private long? _peakLive;
    private long _peakWorkingSet;
    private long _lastAllocated;
    private bool _allocatedWentBack;

    private MemoryHighWaterMark()
    {
        // Start from a settled heap, so the figures measure the work and not what came before it.
        _heapAtRest = SettledHeap();
        _workingSetAtStart = Environment.WorkingSet;
        _gcIndexBefore = GC.GetGCMemoryInfo(GCKind.Any).Index;
        _fullCollectionsBefore = GC.CollectionCount(GC.MaxGeneration);
        _allocatedBefore = _lastAllocated = GC.GetTotalAllocatedBytes(precise: true);
        _sampler = new Thread(Sample) { IsBackground = true, Name = "memory high-water mark" };
        _sampler.Start();
    }

    public static MemoryHighWaterMark Start() => new();

    /// <summary>Stops sampling after one last sample, then measures what the work left behind.</summary>
    public MemoryUse Stop()
    {
        _stop.Set();
        _sampler.Join();
        var allocatedAfter = GC.GetTotalAllocatedBytes(precise: true);
        var allocated = _allocatedWentBack || allocatedAfter < _lastAllocated ? (long?)null : allocatedAfter - _allocatedBefore;
        var fullCollections = GC.CollectionCount(GC.MaxGeneration) - _fullCollectionsBefore;
        return new MemoryUse(_heapAtRest, _peakHeap, _peakLive, fullCollections, SettledHeap(), _workingSetAtStart, _peakWorkingSet, allocated);
    }

    public void Dispose()
    {
        _stop.Set();
        _sampler.Join();
        _stop.Dispose();
    }

    private static long SettledHeap()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetGCMemoryInfo(GCKind.FullBlocking).HeapSizeBytes;
    }

    private void Sample()
    {
        do
        {
            _peakHeap = Math.Max(_peakHeap, GC.GetTotalMemory(forceFullCollection: false));
            _peakWorkingSet = Math.Max(_peakWorkingSet, Environment.WorkingSet);
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            _allocatedWentBack |= allocated < _lastAllocated;
            _lastAllocated = allocated;
            foreach (var kind in FullKinds)
            {
                var full = GC.GetGCMemoryInfo(kind);
                if (full.Index > _gcIndexBefore)
                {
                    _peakLive = Math.Max(_peakLive ?? 0, full.HeapSizeBytes - full.FragmentedBytes);
                }
            }
        }
        while (!_stop.Wait(Interval));
    }
}
