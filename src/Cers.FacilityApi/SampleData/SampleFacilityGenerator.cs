using System.Globalization;
using Cers.FacilityApi.Agencies;

namespace Cers.FacilityApi.SampleData;

public sealed record SampleFacility(string Name, string Street, string City, string Zip, string County);

public sealed record SampleBusiness(string Name, IReadOnlyList<SampleFacility> Facilities);

/// <summary>
/// Deterministic sample businesses and facilities: the same seed and count give the same rows on
/// every machine and run (<see cref="Random"/> with a seed is a fixed algorithm). Two streams are
/// drawn from: one for business sizes, so the number of businesses can be counted up front, and
/// one for everything else. Addresses are written the many ways people write them ("Street",
/// "St", "St.", "N", "North", "Ste 5", "#5"), spread over counties by population and over each
/// county's cities with the larger first.
/// </summary>
public sealed class SampleFacilityGenerator(int seed)
{
    private static readonly string[] StreetNames =
    [
        "Main", "Oak", "Pine", "Maple", "Cedar", "Elm", "Walnut", "Olive", "Palm", "Orange", "Lemon", "Cypress", "Sycamore",
        "Willow", "Magnolia", "Redwood", "Sequoia", "Laurel", "Juniper", "Acacia", "Eucalyptus", "Manzanita", "Madrone", "Poplar",
        "Birch", "Aspen", "Washington", "Lincoln", "Jefferson", "Madison", "Monroe", "Jackson", "Franklin", "Grant", "Roosevelt",
        "Kennedy", "Adams", "Wilson", "Lake", "Hill", "Park", "Sunset", "Sunrise", "Mission", "Harbor", "Pacific", "Ocean", "Bay",
        "River", "Creek", "Valley", "Canyon", "Mesa", "Sierra", "Shasta", "Tahoe", "Yosemite", "Sonoma", "Mariposa",
        "Alvarado", "Portola", "Serra", "Cabrillo", "Estrella", "Santa Fe", "Santa Rosa", "San Pablo", "San Antonio", "San Fernando",
        "San Gabriel", "Los Feliz", "La Cienega", "Sepulveda", "Figueroa", "Vermont", "Western", "Central", "Industrial", "Commerce",
        "Enterprise", "Airport", "Railroad", "Depot", "Market", "Front", "Mill", "Church", "School", "College", "University",
        "Garden", "Orchard", "Vineyard", "Ranch", "Rancho", "Meadow", "Highland", "Summit", "Ridge", "Foothill", "Mountain View",
        "Golden", "Silver", "Crystal", "Diamond", "Alpine", "Hacienda", "Arroyo", "Palomar", "Capitol", "Howe", "Fulton", "Watt",
        "Florin", "Stockton", "Folsom", "Auburn", "El Dorado", "Power Inn", "Bradshaw", "Grand", "Broad", "Center", "Spring",
        "Hope", "Flower", "Colorado", "Glenoaks", "Victory", "Ventura", "Chapman", "Katella", "Harbor View", "Coast",
        "Kettleman", "Blackstone", "Shaw", "Herndon", "Ming", "Panama", "Coffee", "Oakdale", "Hammer", "Pacheco", "Almaden",
        "Stevens Creek", "Saratoga", "Tully", "Story", "King", "Bascom", "Lawrence", "Tasman", "Bernal", "Fremont", "Mowry",
        "Dyer", "Hesperian", "Foothill Ranch", "Rosecrans", "Imperial", "Slauson", "Manchester", "Artesia", "Alondra", "Cerritos",
        "Garvey", "Valley View", "Holt", "Euclid", "Archibald", "Haven", "Baseline", "Foothill Crest", "Riverside", "Magnolia Grove",
    ];

    /// <summary>Streets whose name carries no suffix.</summary>
    private static readonly string[] UnsuffixedStreets =
    [
        "Broadway", "El Camino Real", "The Alameda", "Camino del Rio", "Highway 99", "Hwy 99", "Highway 101", "Highway 49",
        "Old Highway 40", "Pacific Coast Highway", "Avenida del Mar", "Las Palmas",
    ];

    private static readonly string[] SpelledOrdinals =
        ["First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth", "Tenth", "Eleventh", "Twelfth"];

    /// <summary>Full word, USPS abbreviation, weight.</summary>
    private static readonly (string Full, string Abbreviation, int Weight)[] Suffixes =
    [
        ("Street", "St", 28), ("Avenue", "Ave", 18), ("Boulevard", "Blvd", 8), ("Road", "Rd", 12), ("Drive", "Dr", 12),
        ("Lane", "Ln", 4), ("Court", "Ct", 4), ("Place", "Pl", 2), ("Way", "Way", 7), ("Parkway", "Pkwy", 2),
        ("Circle", "Cir", 2), ("Terrace", "Ter", 1),
    ];

    private static readonly (string Full, string Abbreviation)[] Directionals =
        [("North", "N"), ("South", "S"), ("East", "E"), ("West", "W")];

    private static readonly (string Full, string Abbreviation)[] DiagonalDirectionals =
        [("Northeast", "NE"), ("Northwest", "NW"), ("Southeast", "SE"), ("Southwest", "SW")];

    private static readonly string[] Places =
    [
        "Golden State", "Pacific", "Sierra", "Valley", "Bay Area", "Coastal", "Redwood", "Central Valley", "Delta", "Sunset",
        "Mission", "Western", "Cal", "Tri-County", "Foothill", "Harbor", "Inland", "Desert", "Capitol", "Gold Country",
        "North State", "SoCal", "NorCal", "Eureka", "El Dorado", "Yosemite", "Shasta", "Mojave", "Sequoia", "Orchard",
    ];

    private static readonly string[] Trades =
    [
        "Auto Repair", "Auto Body", "Dry Cleaners", "Metal Plating", "Cold Storage", "Fuel", "Machine Works", "Printing", "Dairy",
        "Farms", "Hardware", "Pool Supply", "Welding", "Semiconductor", "Laboratories", "Medical Center", "Dental Group", "Car Wash",
        "Nursery", "Feed & Supply", "Ag Services", "Logistics", "Recycling", "Concrete", "Coatings", "Battery Supply", "Chemical",
        "Brewing Company", "Winery", "Packing", "Ice Company", "Fleet Services", "Tire Center", "Equipment Rental", "Paint Supply",
        "Water Treatment", "Electroplating", "Aviation Services", "Marine Services", "Cabinet Shop", "Bakery", "Foods",
        "Tortilla Factory", "Almond Growers", "Rice Mill", "Cannery", "Data Center", "Collision Center", "Propane",
    ];

    private static readonly string[] ChainTrades =
        ["Fuel Stop", "Auto Parts", "Pharmacy", "Hardware", "Tire & Service", "Market", "Car Wash", "Quick Lube", "Rental Center", "Supply"];

    private static readonly string[] Surnames =
    [
        "Garcia", "Hernandez", "Lopez", "Martinez", "Nguyen", "Smith", "Johnson", "Lee", "Kim", "Patel", "Chen", "Wong",
        "Rodriguez", "Gonzalez", "Perez", "Sanchez", "Ramirez", "Tran", "Le", "Pham", "Singh", "Brown", "Davis", "Miller", "Wilson",
        "Anderson", "Taylor", "Thomas", "Moore", "Martin", "White", "Harris", "Clark", "Lewis", "Young", "Walker", "Hall", "Allen",
        "Wright", "Scott", "Torres", "Flores", "Rivera", "Gomez", "Diaz", "Cruz", "Reyes", "Morales", "Ortiz", "Gutierrez",
        "Chavez", "Ramos", "Castillo", "Mendoza", "Vargas", "Silva", "Yamamoto", "Tanaka", "Sato", "Murphy", "O'Brien", "Sullivan",
    ];

    private static readonly string[] LegalForms = ["", "", "", " Inc.", " LLC", " Co.", " Corp.", " & Sons", " Enterprises"];

    private static readonly int[] CountyWeights = CaliforniaPlaces.Counties.Select(c => c.Population).ToArray();

    private static readonly int[] SuffixWeights = Suffixes.Select(s => s.Weight).ToArray();

    private static readonly int CountyWeightTotal = CountyWeights.Sum();

    private static readonly int SuffixWeightTotal = SuffixWeights.Sum();

    /// <summary>Each county's cities weighted 1, 1/2, 1/3...: the total to draw under.</summary>
    private static readonly Dictionary<PlaceCounty, double> CityWeightTotals =
        CaliforniaPlaces.Counties.ToDictionary(c => c, c => Enumerable.Range(1, c.Cities.Count).Sum(i => 1.0 / i));

    /// <summary>How many businesses <see cref="Generate"/> makes for <paramref name="facilities"/> facilities with this seed.</summary>
    public int CountBusinesses(int facilities)
    {
        var sizes = new Random(seed);
        var businesses = 0;
        for (var remaining = facilities; remaining > 0; remaining -= NextSize(sizes, remaining))
        {
            businesses++;
        }

        return businesses;
    }

    /// <summary>Businesses until <paramref name="facilities"/> facilities are made; most have one, a few are chains of hundreds.</summary>
    public IEnumerable<SampleBusiness> Generate(int facilities)
    {
        var sizes = new Random(seed);
        var random = new Random(unchecked((seed * 397) ^ 0x5EED));
        for (var remaining = facilities; remaining > 0;)
        {
            var size = NextSize(sizes, remaining);
            remaining -= size;
            yield return size switch
            {
                1 => SingleSite(random),
                <= 5 => Local(random, size),
                _ => Chain(random, size),
            };
        }
    }

    private static int NextSize(Random sizes, int remaining)
    {
        var draw = sizes.NextDouble();
        var size = draw switch
        {
            < 0.82 => 1,
            < 0.96 => sizes.Next(2, 6),
            < 0.995 => sizes.Next(6, 41),
            _ => sizes.Next(41, 401),
        };
        return Math.Min(size, remaining);
    }

    private static SampleBusiness SingleSite(Random random)
    {
        var county = PickCounty(random);
        var city = PickCity(random, county);
        var name = BusinessName(random, city.Name);
        return new SampleBusiness(name, [Facility(random, name, county, city)]);
    }

    /// <summary>A local business: a few sites in one county.</summary>
    private static SampleBusiness Local(Random random, int size)
    {
        var county = PickCounty(random);
        var name = BusinessName(random, PickCity(random, county).Name);
        var facilities = new List<SampleFacility>(size);
        for (var i = 0; i < size; i++)
        {
            var city = PickCity(random, county);
            facilities.Add(Facility(random, $"{name} - {city.Name}", county, city));
        }

        return new SampleBusiness(name, facilities);
    }

    /// <summary>A chain: numbered stores across the state.</summary>
    private static SampleBusiness Chain(Random random, int size)
    {
        var brand = $"{Pick(random, Places)} {Pick(random, ChainTrades)}";
        var name = brand + Pick(random, LegalForms);
        var facilities = new List<SampleFacility>(size);
        for (var i = 0; i < size; i++)
        {
            var county = PickCounty(random);
            facilities.Add(Facility(random, string.Create(CultureInfo.InvariantCulture, $"{brand} #{i + 1}"), county, PickCity(random, county)));
        }

        return new SampleBusiness(name, facilities);
    }

    private static SampleFacility Facility(Random random, string name, PlaceCounty county, PlaceCity city)
    {
        var zip = (city.FirstZip + random.Next(city.LastZip - city.FirstZip + 1)).ToString("D5", CultureInfo.InvariantCulture);
        var street = Street(random);

        // Some people type in capitals; the address is kept as entered.
        if (random.Next(20) == 0)
        {
            street = street.ToUpperInvariant();
        }

        return new SampleFacility(name, street, city.Name, zip, county.Name);
    }

    private static string Street(Random random)
    {
        var number = HouseNumber(random);
        var parts = new List<string>(6) { number };

        var directional = random.Next(100);
        var postDirectional = false;
        string? direction = null;
        if (directional < 16)
        {
            var (full, abbreviation) = directional < 15 ? Pick(random, Directionals) : Pick(random, DiagonalDirectionals);
            direction = random.Next(3) switch { 0 => full, 1 => abbreviation, _ => abbreviation + "." };
            postDirectional = random.Next(5) == 0;
        }

        if (direction is not null && !postDirectional)
        {
            parts.Add(direction);
        }

        var kind = random.Next(100);
        if (kind < 6)
        {
            parts.Add(Pick(random, UnsuffixedStreets));
        }
        else
        {
            if (kind < 16)
            {
                var ordinal = random.Next(1, 31);
                parts.Add(ordinal <= SpelledOrdinals.Length && random.Next(4) == 0 ? SpelledOrdinals[ordinal - 1] : Ordinal(ordinal));
            }
            else
            {
                parts.Add(Pick(random, StreetNames));
            }

            var (full, abbreviation, _) = Suffixes[PickWeighted(random, SuffixWeights, SuffixWeightTotal)];
            parts.Add(random.Next(10) switch { < 4 => full, < 9 => abbreviation, _ => abbreviation == full ? full : abbreviation + "." });
        }

        if (direction is not null && postDirectional)
        {
            parts.Add(direction);
        }

        var line = string.Join(' ', parts);
        if (random.Next(100) < 12)
        {
            line += (random.Next(2) == 0 ? ", " : " ") + Unit(random);
        }

        return line;
    }

    private static string Unit(Random random) => random.Next(7) switch
    {
        0 => $"Suite {random.Next(100, 1000)}",
        1 => $"Ste {random.Next(100, 1000)}",
        2 => $"Ste. {random.Next(1, 40)}",
        3 => $"Unit {(char)('A' + random.Next(6))}",
        4 => $"#{random.Next(1, 300)}",
        5 => $"Bldg {random.Next(1, 10)}",
        _ => $"Unit {random.Next(1, 50)}",
    };

    /// <summary>Mostly 3-4 digits, as on California's commercial streets.</summary>
    private static string HouseNumber(Random random)
    {
        var digits = random.Next(100) switch { < 3 => 1, < 13 => 2, < 45 => 3, < 85 => 4, _ => 5 };
        var low = (int)Math.Pow(10, digits - 1);
        return random.Next(low, low * 10).ToString(CultureInfo.InvariantCulture);
    }

    private static string Ordinal(int n) => string.Create(CultureInfo.InvariantCulture, $"{n}{(n % 100) switch
    {
        11 or 12 or 13 => "th",
        _ => (n % 10) switch { 1 => "st", 2 => "nd", 3 => "rd", _ => "th" },
    }}");

    private static string BusinessName(Random random, string city) => random.Next(100) switch
    {
        < 45 => $"{Pick(random, Places)} {Pick(random, Trades)}{Pick(random, LegalForms)}",
        < 80 => $"{Pick(random, Surnames)} {Pick(random, Trades)}{Pick(random, LegalForms)}",
        _ => $"{city} {Pick(random, Trades)}{Pick(random, LegalForms)}",
    };

    private static PlaceCounty PickCounty(Random random) => CaliforniaPlaces.Counties[PickWeighted(random, CountyWeights, CountyWeightTotal)];

    /// <summary>The i-th listed city is chosen with weight 1/(i+1): the big city first, the small towns less often.</summary>
    private static PlaceCity PickCity(Random random, PlaceCounty county)
    {
        var draw = random.NextDouble() * CityWeightTotals[county];
        for (var i = 0; i < county.Cities.Count; i++)
        {
            draw -= 1.0 / (i + 1);
            if (draw < 0)
            {
                return county.Cities[i];
            }
        }

        return county.Cities[^1];
    }

    private static int PickWeighted(Random random, int[] weights, int total)
    {
        var draw = random.Next(total);
        for (var i = 0; i < weights.Length; i++)
        {
            draw -= weights[i];
            if (draw < 0)
            {
                return i;
            }
        }

        return weights.Length - 1;
    }

    private static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];
}
