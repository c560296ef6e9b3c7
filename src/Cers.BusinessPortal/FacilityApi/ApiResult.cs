namespace Cers.BusinessPortal.FacilityApi;

/// <summary>
/// An RFC 7807 problem details answer, read into what a page can show: its title, the stable
/// <c>code</c> of a conflict, and the messages of each field (the <c>errors</c> member of a
/// validation problem), keyed by the API's field names.
/// </summary>
public sealed record ApiProblem(int Status, string Title, string? Code, IReadOnlyDictionary<string, string[]> Errors, IReadOnlyList<int> CersIds)
{
    public static ApiProblem Unavailable() => new(503,
        "The facility service is not answering right now. Nothing was changed; please try again in a minute.", null,
        new Dictionary<string, string[]>(), []);
}

/// <summary>What a call to the facility API gave: its value, or the problem it answered with.</summary>
public sealed record ApiResult<T>(T? Value, ApiProblem? Problem)
{
    public bool IsSuccess => Problem is null;
}

/// <summary>A file the API answered with: its bytes, media type and the file name it suggested.</summary>
public sealed record ApiFile(byte[] Content, string ContentType, string? FileName);
