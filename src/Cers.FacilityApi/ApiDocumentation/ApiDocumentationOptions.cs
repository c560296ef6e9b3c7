namespace Cers.FacilityApi.ApiDocumentation;

/// <summary>The <c>ApiDocumentation</c> section: whether the OpenAPI document and its browser are published.</summary>
public sealed class ApiDocumentationOptions
{
    public const string SectionName = "ApiDocumentation";

    /// <summary>Published outside Development only when set; Development always publishes them.</summary>
    public bool Enabled { get; set; }
}
