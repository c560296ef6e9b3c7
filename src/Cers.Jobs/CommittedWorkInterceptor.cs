using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Cers.Jobs;

/// <summary>
/// Nudges <paramref name="signal"/> once the <typeparamref name="TWork"/> rows a <c>SaveChanges</c> added are
/// committed: straight after the save, or after the surrounding transaction commits (a job started before the
/// commit would not see them).
/// </summary>
public class CommittedWorkInterceptor<TWork>(DueWorkSignal signal)
    : SaveChangesInterceptor, IDbTransactionInterceptor
    where TWork : class
{
    private static readonly ConditionalWeakTable<DbContext, StrongBox<int>> Owed = new();

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Remember(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Remember(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        NudgeIfCommitted(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        NudgeIfCommitted(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Forget(eventData.Context);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => NudgeIfOwed(eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        NudgeIfOwed(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Forget(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    /// <summary>Called once the <paramref name="count"/> rows a change added are committed, before the signal is nudged.</summary>
    protected virtual void Committed(int count)
    {
    }

    private static void Remember(DbContext? context)
    {
        var added = context?.ChangeTracker.Entries<TWork>().Count(e => e.State == EntityState.Added) ?? 0;
        if (added > 0)
        {
            Owed.GetOrCreateValue(context!).Value += added;
        }
    }

    private void NudgeIfCommitted(DbContext? context)
    {
        if (context?.Database.CurrentTransaction is null)
        {
            NudgeIfOwed(context);
        }
    }

    private void NudgeIfOwed(DbContext? context)
    {
        if (context is not null && Owed.TryGetValue(context, out var owed) && Owed.Remove(context))
        {
            Committed(owed.Value);
            signal.Nudge();
        }
    }

    private static void Forget(DbContext? context)
    {
        if (context is not null)
        {
            Owed.Remove(context);
        }
    }
}
