using Hangfire;

namespace Cers.Jobs;

/// <summary>A recurring job a feature declares; registered (or updated) with Hangfire at start.</summary>
public sealed record RecurringJobDefinition(string Id, string Cron, Action<IRecurringJobManager, string, string> Register);
