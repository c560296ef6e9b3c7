using System.Collections.Frozen;

namespace Cers.FacilityApi.Facilities;

/// <summary>
/// The spellings people use for street suffixes, directionals and unit designators, each mapped to
/// its USPS standard abbreviation (Publication 28, appendices C1, B and C2). Only the common street
/// types are listed: words such as "Park", "View" or "Mill" are USPS suffixes too, but in California
/// they are far more often part of a name ("Menlo Park", "Mountain View"), so they stay in the name.
/// </summary>
internal static class UspsAbbreviations
{
    public static readonly FrozenDictionary<string, string> Suffixes = Build(new Dictionary<string, string[]>
    {
        ["ALY"] = ["ALLEY", "ALLEE", "ALLY", "ALY"],
        ["AVE"] = ["AVENUE", "AVENU", "AVEN", "AVNUE", "AVN", "AV", "AVE"],
        ["BND"] = ["BEND", "BND"],
        ["BLVD"] = ["BOULEVARD", "BOULV", "BOUL", "BLVD"],
        ["BYP"] = ["BYPASS", "BYPAS", "BYPA", "BYPS", "BYP"],
        ["CSWY"] = ["CAUSEWAY", "CAUSWA", "CSWY"],
        ["CTR"] = ["CENTER", "CENTRE", "CENTR", "CNTER", "CNTR", "CENT", "CEN", "CTR"],
        ["CIR"] = ["CIRCLE", "CIRCL", "CIRC", "CRCLE", "CRCL", "CIR"],
        ["CT"] = ["COURT", "CRT", "CT"],
        ["CV"] = ["COVE", "CV"],
        ["CRES"] = ["CRESCENT", "CRSENT", "CRSNT", "CRES"],
        ["XING"] = ["CROSSING", "CRSSNG", "XING"],
        ["DR"] = ["DRIVE", "DRIV", "DRV", "DR"],
        ["EXPY"] = ["EXPRESSWAY", "EXPRESS", "EXPR", "EXPW", "EXP", "EXPY"],
        ["FWY"] = ["FREEWAY", "FREEWY", "FRWAY", "FRWY", "FWY"],
        ["GRV"] = ["GROVE", "GROV", "GRV"],
        ["HWY"] = ["HIGHWAY", "HIGHWY", "HIWAY", "HIWY", "HWAY", "HWY"],
        ["LN"] = ["LANE", "LN"],
        ["LOOP"] = ["LOOP", "LOOPS"],
        ["MALL"] = ["MALL"],
        ["PATH"] = ["PATH", "PATHS"],
        ["PIKE"] = ["PIKE", "PIKES"],
        ["PKWY"] = ["PARKWAY", "PARKWY", "PKWAY", "PKY", "PKWY"],
        ["PL"] = ["PLACE", "PL"],
        ["PLZ"] = ["PLAZA", "PLZA", "PLZ"],
        ["PT"] = ["POINT", "PT"],
        ["RD"] = ["ROAD", "RD"],
        ["RTE"] = ["ROUTE", "RTE"],
        ["ROW"] = ["ROW"],
        ["RUN"] = ["RUN"],
        ["SQ"] = ["SQUARE", "SQRE", "SQR", "SQU", "SQ"],
        ["ST"] = ["STREET", "STRT", "STR", "ST"],
        ["TER"] = ["TERRACE", "TERR", "TER"],
        ["TRL"] = ["TRAIL", "TRAILS", "TRLS", "TRL"],
        ["TPKE"] = ["TURNPIKE", "TURNPK", "TRNPK", "TPKE"],
        ["VIS"] = ["VISTA", "VIST", "VSTA", "VST", "VIS"],
        ["WALK"] = ["WALK"],
        ["WAY"] = ["WAY", "WY"],
    });

    public static readonly FrozenDictionary<string, string> Directionals = Build(new Dictionary<string, string[]>
    {
        ["N"] = ["NORTH", "N"],
        ["S"] = ["SOUTH", "S"],
        ["E"] = ["EAST", "E"],
        ["W"] = ["WEST", "W"],
        ["NE"] = ["NORTHEAST", "NE"],
        ["NW"] = ["NORTHWEST", "NW"],
        ["SE"] = ["SOUTHEAST", "SE"],
        ["SW"] = ["SOUTHWEST", "SW"],
    });

    /// <summary>Secondary unit designators that take an identifier ("Suite 200", "# 4").</summary>
    public static readonly FrozenSet<string> UnitDesignators = new[]
    {
        "#", "APARTMENT", "APT", "BUILDING", "BLDG", "BLDNG", "DEPARTMENT", "DEPT", "FLOOR", "FLR", "FL",
        "HANGAR", "HNGR", "LOT", "OFFICE", "OFC", "ROOM", "RM", "SPACE", "SPC", "SUITE", "STE", "TRAILER",
        "TRLR", "UNIT", "NO",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Words inside names (street and city) that are written both ways: "Saint Helena" / "St Helena".</summary>
    public static readonly FrozenDictionary<string, string> NameWords = Build(new Dictionary<string, string[]>
    {
        ["ST"] = ["SAINT"],
        ["MT"] = ["MOUNT"],
        ["FT"] = ["FORT"],
    });

    /// <summary>Spelled-out ordinal street names: "First Street" / "1st St".</summary>
    public static readonly FrozenDictionary<string, string> Ordinals = new Dictionary<string, string>
    {
        ["FIRST"] = "1ST", ["SECOND"] = "2ND", ["THIRD"] = "3RD", ["FOURTH"] = "4TH", ["FIFTH"] = "5TH",
        ["SIXTH"] = "6TH", ["SEVENTH"] = "7TH", ["EIGHTH"] = "8TH", ["NINTH"] = "9TH", ["TENTH"] = "10TH",
        ["ELEVENTH"] = "11TH", ["TWELFTH"] = "12TH",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static FrozenDictionary<string, string> Build(Dictionary<string, string[]> spellingsByStandard)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (standard, spellings) in spellingsByStandard)
        {
            foreach (var spelling in spellings)
            {
                map[spelling] = standard;
            }
        }

        return map.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
