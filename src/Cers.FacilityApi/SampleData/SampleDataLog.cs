namespace Cers.FacilityApi.SampleData;

internal static partial class SampleDataLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Added {Count} sample regulator agencies.")]
    public static partial void AgenciesSeeded(ILogger logger, int count);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information,
        Message = "Added {Facilities} sample facilities in {Businesses} businesses in {ElapsedMilliseconds} ms.")]
    public static partial void FacilitiesSeeded(ILogger logger, int facilities, int businesses, long elapsedMilliseconds);
}
