using System.Text.Json;

namespace Cers.Benchmarks;

/// <summary>
/// How a service's garbage collector runs: as its build set it (the <c>System.GC.*</c> properties of its
/// runtimeconfig.json), or overridden for the run through the runtime's environment variables, which win over
/// runtimeconfig.json, so settings can be compared without rebuilding.
/// </summary>
internal sealed record GcMode(string Key, string? Label, IReadOnlyDictionary<string, string?> Environment)
{
    public static GcMode AsBuilt { get; } = new("as-built", null, new Dictionary<string, string?>());

    /// <summary>Every mode <c>--gc</c> accepts; each override sets every knob, so none is left over from the build.</summary>
    public static IReadOnlyList<GcMode> All { get; } =
    [
        AsBuilt,
        Override("server", "server, DATAS", server: true, concurrent: true, datas: true),
        Override("server-static", "server, no DATAS", server: true, concurrent: true, datas: false),
        Override("workstation", "workstation, concurrent", server: false, concurrent: true, datas: false),
        Override("workstation-nonconcurrent", "workstation, non-concurrent", server: false, concurrent: false, datas: false),
    ];

    /// <summary>What the service runs with: the override's name, or what its runtimeconfig.json says; and whether tiered PGO is off.</summary>
    public string Describe(string assembly)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(assembly, ".runtimeconfig.json")));
        var properties = json.RootElement.GetProperty("runtimeOptions").TryGetProperty("configProperties", out var found) ? found : default;
        var pgoOff = properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty("System.Runtime.TieredPGO", out var pgo)
            && pgo.ValueKind == JsonValueKind.False;
        return (Label ?? FromRuntimeConfig(properties)) + (pgoOff ? "; tiered PGO off" : "");
    }

    private static GcMode Override(string key, string label, bool server, bool concurrent, bool datas) => new(key, label, new Dictionary<string, string?>
    {
        ["DOTNET_gcServer"] = server ? "1" : "0",
        ["DOTNET_gcConcurrent"] = concurrent ? "1" : "0",
        ["DOTNET_GCDynamicAdaptationMode"] = datas ? "1" : "0",
        ["DOTNET_GCConserveMemory"] = "0",
    });

    /// <summary>The runtime's defaults where a property is absent: workstation, concurrent; DATAS with server GC (.NET 9 on).</summary>
    private static string FromRuntimeConfig(JsonElement properties)
    {
        bool Flag(string name, bool otherwise) =>
            properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(name, out var value) ? value.ValueKind == JsonValueKind.True : otherwise;
        int Number(string name, int otherwise) =>
            properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(name, out var value) && value.TryGetInt32(out var number) ? number : otherwise;

        var server = Flag("System.GC.Server", otherwise: false);
        var label = server
            ? Number("System.GC.DynamicAdaptationMode", otherwise: 1) == 1 ? "server, DATAS" : "server, no DATAS"
            : Flag("System.GC.Concurrent", otherwise: true) ? "workstation, concurrent" : "workstation, non-concurrent";
        var conserve = Number("System.GC.ConserveMemory", otherwise: 0);
        return conserve > 0 ? $"{label}, conserve memory {conserve}" : label;
    }
}
