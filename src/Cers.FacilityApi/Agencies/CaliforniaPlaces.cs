namespace Cers.FacilityApi.Agencies;

/// <param name="Name">The city's real name.</param>
/// <param name="FirstZip">The lowest of the city's ZIP codes used for sample addresses.</param>
/// <param name="LastZip">The highest; sample ZIPs are drawn between the two.</param>
public sealed record PlaceCity(string Name, int FirstZip, int LastZip);

/// <param name="Code">The county's short code, the start of its sample agency's code.</param>
/// <param name="Population">Thousands of residents (2020 census, rounded): how many sample facilities it gets.</param>
public sealed record PlaceCounty(string Name, string Code, int Population, IReadOnlyList<PlaceCity> Cities);

/// <summary>
/// Real counties and a few real cities in each, with plausible ZIP ranges. Reference data: the city-to-county
/// lookup of new facilities reads it (<see cref="CityCounties"/>), and the sample data draws its addresses
/// from it. A real California places list belongs here for production.
/// </summary>
public static class CaliforniaPlaces
{
    public static readonly IReadOnlyList<PlaceCounty> Counties =
    [
        County("Alameda", "ALA", 1682, "Oakland 94601-94621", "Fremont 94536-94539", "Hayward 94541-94545", "Berkeley 94702-94710",
            "San Leandro 94577-94579", "Livermore 94550-94551", "Pleasanton 94566-94566", "Alameda 94501-94502", "Union City 94587-94587",
            "Dublin 94568-94568", "Newark 94560-94560", "Emeryville 94608-94608"),
        County("Alpine", "ALP", 1, "Markleeville 96120-96120", "Kirkwood 95646-95646", "Bear Valley 95223-95223"),
        County("Amador", "AMA", 40, "Jackson 95642-95642", "Sutter Creek 95685-95685", "Ione 95640-95640", "Plymouth 95669-95669",
            "Pine Grove 95665-95665"),
        County("Butte", "BUT", 211, "Chico 95926-95929", "Oroville 95965-95966", "Paradise 95969-95969", "Gridley 95948-95948",
            "Biggs 95917-95917"),
        County("Calaveras", "CAL", 46, "San Andreas 95249-95249", "Angels Camp 95222-95222", "Valley Springs 95252-95252",
            "Murphys 95247-95247", "Arnold 95223-95223"),
        County("Colusa", "COL", 22, "Colusa 95932-95932", "Williams 95987-95987", "Arbuckle 95912-95912", "Maxwell 95955-95955"),
        County("Contra Costa", "CC", 1166, "Concord 94518-94521", "Richmond 94801-94806", "Antioch 94509-94509", "Walnut Creek 94595-94598",
            "San Ramon 94582-94583", "Pittsburg 94565-94565", "Martinez 94553-94553", "Brentwood 94513-94513", "Danville 94526-94526",
            "Pleasant Hill 94523-94523"),
        County("Del Norte", "DN", 28, "Crescent City 95531-95531", "Smith River 95567-95567", "Gasquet 95543-95543"),
        County("El Dorado", "ED", 192, "Placerville 95667-95667", "South Lake Tahoe 96150-96150", "El Dorado Hills 95762-95762",
            "Cameron Park 95682-95682", "Pollock Pines 95726-95726"),
        County("Fresno", "FRE", 1008, "Fresno 93701-93730", "Clovis 93611-93619", "Sanger 93657-93657", "Reedley 93654-93654",
            "Selma 93662-93662", "Kerman 93630-93630", "Coalinga 93210-93210", "Fowler 93625-93625"),
        County("Glenn", "GLE", 29, "Willows 95988-95988", "Orland 95963-95963", "Hamilton City 95951-95951"),
        County("Humboldt", "HUM", 136, "Eureka 95501-95503", "Arcata 95521-95521", "Fortuna 95540-95540", "McKinleyville 95519-95519",
            "Garberville 95542-95542"),
        County("Imperial", "IMP", 179, "El Centro 92243-92243", "Calexico 92231-92231", "Brawley 92227-92227", "Imperial 92251-92251",
            "Holtville 92250-92250"),
        County("Inyo", "INY", 19, "Bishop 93514-93514", "Lone Pine 93545-93545", "Independence 93526-93526", "Big Pine 93513-93513"),
        County("Kern", "KER", 909, "Bakersfield 93301-93314", "Delano 93215-93215", "Ridgecrest 93555-93555", "Tehachapi 93561-93561",
            "Wasco 93280-93280", "Shafter 93263-93263", "Arvin 93203-93203", "Taft 93268-93268"),
        County("Kings", "KIN", 152, "Hanford 93230-93230", "Lemoore 93245-93245", "Corcoran 93212-93212", "Avenal 93204-93204"),
        County("Lake", "LAK", 68, "Lakeport 95453-95453", "Clearlake 95422-95422", "Kelseyville 95451-95451", "Middletown 95461-95461"),
        County("Lassen", "LAS", 33, "Susanville 96130-96130", "Westwood 96137-96137", "Herlong 96113-96113"),
        County("Los Angeles", "LA", 10014, "Los Angeles 90001-90068", "Long Beach 90802-90815", "Pasadena 91101-91107",
            "Glendale 91201-91208", "Santa Clarita 91350-91355", "Lancaster 93534-93536", "Palmdale 93550-93552", "Pomona 91766-91768",
            "Torrance 90501-90505", "Burbank 91501-91506", "Downey 90240-90242", "West Covina 91790-91792", "El Monte 91731-91733",
            "Inglewood 90301-90305", "Santa Monica 90401-90405", "Carson 90745-90746", "Compton 90220-90222", "Whittier 90601-90606",
            "Vernon 90058-90058"),
        County("Madera", "MAD", 157, "Madera 93636-93638", "Chowchilla 93610-93610", "Oakhurst 93644-93644"),
        County("Marin", "MRN", 262, "San Rafael 94901-94903", "Novato 94945-94949", "Mill Valley 94941-94941", "Sausalito 94965-94965",
            "Larkspur 94939-94939", "San Anselmo 94960-94960"),
        County("Mariposa", "MPA", 17, "Mariposa 95338-95338", "Coulterville 95311-95311", "El Portal 95318-95318"),
        County("Mendocino", "MEN", 91, "Ukiah 95482-95482", "Fort Bragg 95437-95437", "Willits 95490-95490", "Point Arena 95468-95468"),
        County("Merced", "MER", 281, "Merced 95340-95348", "Los Banos 93635-93635", "Atwater 95301-95301", "Livingston 95334-95334",
            "Dos Palos 93620-93620"),
        County("Modoc", "MOD", 9, "Alturas 96101-96101", "Cedarville 96104-96104", "Tulelake 96134-96134"),
        County("Mono", "MNO", 13, "Mammoth Lakes 93546-93546", "Bridgeport 93517-93517", "Lee Vining 93541-93541"),
        County("Monterey", "MON", 439, "Salinas 93901-93908", "Monterey 93940-93940", "Seaside 93955-93955", "King City 93930-93930",
            "Soledad 93960-93960", "Greenfield 93927-93927", "Marina 93933-93933", "Pacific Grove 93950-93950"),
        County("Napa", "NAP", 138, "Napa 94558-94559", "American Canyon 94503-94503", "St. Helena 94574-94574", "Calistoga 94515-94515",
            "Yountville 94599-94599"),
        County("Nevada", "NEV", 102, "Grass Valley 95945-95949", "Nevada City 95959-95959", "Truckee 96161-96161", "Penn Valley 95946-95946"),
        County("Orange", "ORA", 3186, "Anaheim 92801-92808", "Santa Ana 92701-92707", "Irvine 92602-92620", "Huntington Beach 92646-92649",
            "Garden Grove 92840-92845", "Orange 92865-92869", "Fullerton 92831-92835", "Costa Mesa 92626-92627",
            "Mission Viejo 92691-92692", "Newport Beach 92660-92663", "Buena Park 90620-90621", "Tustin 92780-92782",
            "Lake Forest 92630-92630"),
        County("Placer", "PLA", 404, "Roseville 95661-95661", "Rocklin 95677-95677", "Lincoln 95648-95648", "Auburn 95602-95604",
            "Loomis 95650-95650", "Granite Bay 95746-95746", "Colfax 95713-95713"),
        County("Plumas", "PLU", 20, "Quincy 95971-95971", "Portola 96122-96122", "Chester 96020-96020", "Greenville 95947-95947"),
        County("Riverside", "RIV", 2418, "Riverside 92501-92509", "Moreno Valley 92551-92557", "Corona 92878-92883",
            "Temecula 92590-92593", "Murrieta 92562-92563", "Palm Springs 92262-92264", "Indio 92201-92203", "Hemet 92543-92545",
            "Menifee 92584-92586", "Perris 92570-92571", "Jurupa Valley 91752-91752", "Lake Elsinore 92530-92532",
            "Palm Desert 92260-92261", "Banning 92220-92220", "Blythe 92225-92225"),
        County("Sacramento", "SAC", 1585, "Sacramento 95811-95838", "Elk Grove 95757-95758", "Citrus Heights 95610-95621",
            "Folsom 95630-95630", "Rancho Cordova 95670-95670", "Carmichael 95608-95608", "Fair Oaks 95628-95628", "Galt 95632-95632",
            "Orangevale 95662-95662", "Antelope 95843-95843", "North Highlands 95660-95660", "Rio Linda 95673-95673",
            "Isleton 95641-95641"),
        County("San Benito", "SBT", 64, "Hollister 95023-95024", "San Juan Bautista 95045-95045", "Tres Pinos 95075-95075"),
        County("San Bernardino", "SBD", 2181, "San Bernardino 92401-92411", "Fontana 92335-92337", "Rancho Cucamonga 91701-91739",
            "Ontario 91761-91764", "Victorville 92392-92395", "Rialto 92376-92377", "Hesperia 92344-92345", "Chino 91708-91710",
            "Upland 91784-91786", "Redlands 92373-92374", "Apple Valley 92307-92308", "Barstow 92311-92311", "Yucaipa 92399-92399",
            "Needles 92363-92363", "Twentynine Palms 92277-92277"),
        County("San Diego", "SD", 3299, "San Diego 92101-92139", "Chula Vista 91910-91915", "Oceanside 92054-92058",
            "Escondido 92025-92029", "Carlsbad 92008-92011", "El Cajon 92019-92021", "Vista 92081-92084", "San Marcos 92069-92069",
            "Santee 92071-92071", "National City 91950-91950", "La Mesa 91941-91942", "Encinitas 92024-92024", "Poway 92064-92064",
            "Imperial Beach 91932-91932"),
        County("San Francisco", "SF", 874, "San Francisco 94102-94134"),
        County("San Joaquin", "SJ", 779, "Stockton 95202-95219", "Tracy 95376-95377", "Manteca 95336-95337", "Lodi 95240-95242",
            "Lathrop 95330-95330", "Ripon 95366-95366", "Escalon 95320-95320"),
        County("San Luis Obispo", "SLO", 283, "San Luis Obispo 93401-93405", "Paso Robles 93446-93447", "Atascadero 93422-93423",
            "Arroyo Grande 93420-93421", "Morro Bay 93442-93442", "Pismo Beach 93448-93449", "Grover Beach 93433-93433"),
        County("San Mateo", "SM", 765, "San Mateo 94401-94403", "Daly City 94014-94015", "Redwood City 94061-94065",
            "South San Francisco 94080-94080", "San Bruno 94066-94066", "Menlo Park 94025-94025", "Burlingame 94010-94010",
            "Foster City 94404-94404", "Half Moon Bay 94019-94019", "Pacifica 94044-94044"),
        County("Santa Barbara", "SB", 448, "Santa Barbara 93101-93111", "Santa Maria 93454-93458", "Lompoc 93436-93436",
            "Goleta 93117-93117", "Carpinteria 93013-93013", "Buellton 93427-93427", "Solvang 93463-93463"),
        County("Santa Clara", "SCL", 1936, "San Jose 95110-95139", "Sunnyvale 94085-94089", "Santa Clara 95050-95054",
            "Mountain View 94040-94043", "Milpitas 95035-95035", "Palo Alto 94301-94306", "Cupertino 95014-95014", "Gilroy 95020-95021",
            "Campbell 95008-95008", "Morgan Hill 95037-95038", "Los Gatos 95030-95033"),
        County("Santa Cruz", "SCR", 270, "Santa Cruz 95060-95065", "Watsonville 95076-95077", "Scotts Valley 95066-95066",
            "Capitola 95010-95010", "Aptos 95003-95003", "Felton 95018-95018"),
        County("Shasta", "SHA", 182, "Redding 96001-96003", "Anderson 96007-96007", "Shasta Lake 96019-96019", "Cottonwood 96022-96022",
            "Burney 96013-96013"),
        County("Sierra", "SIE", 3, "Downieville 95936-95936", "Loyalton 96118-96118", "Sierra City 96125-96125"),
        County("Siskiyou", "SIS", 44, "Yreka 96097-96097", "Mount Shasta 96067-96067", "Weed 96094-96094", "Dunsmuir 96025-96025",
            "Montague 96064-96064"),
        County("Solano", "SOL", 453, "Vallejo 94589-94592", "Fairfield 94533-94534", "Vacaville 95687-95688", "Benicia 94510-94510",
            "Suisun City 94585-94585", "Dixon 95620-95620", "Rio Vista 94571-94571"),
        County("Sonoma", "SON", 488, "Santa Rosa 95401-95409", "Petaluma 94952-94954", "Rohnert Park 94928-94928", "Windsor 95492-95492",
            "Healdsburg 95448-95448", "Sonoma 95476-95476", "Sebastopol 95472-95472", "Cloverdale 95425-95425"),
        County("Stanislaus", "STA", 552, "Modesto 95350-95358", "Turlock 95380-95382", "Ceres 95307-95307", "Riverbank 95367-95367",
            "Oakdale 95361-95361", "Patterson 95363-95363", "Newman 95360-95360"),
        County("Sutter", "SUT", 99, "Yuba City 95991-95993", "Live Oak 95953-95953", "Sutter 95982-95982"),
        County("Tehama", "TEH", 65, "Red Bluff 96080-96080", "Corning 96021-96021", "Los Molinos 96055-96055"),
        County("Trinity", "TRI", 16, "Weaverville 96093-96093", "Hayfork 96041-96041", "Lewiston 96052-96052"),
        County("Tulare", "TUL", 473, "Visalia 93277-93292", "Tulare 93274-93275", "Porterville 93257-93258", "Dinuba 93618-93618",
            "Lindsay 93247-93247", "Exeter 93221-93221"),
        County("Tuolumne", "TUO", 55, "Sonora 95370-95370", "Jamestown 95327-95327", "Twain Harte 95383-95383", "Groveland 95321-95321"),
        County("Ventura", "VEN", 843, "Oxnard 93030-93036", "Thousand Oaks 91360-91362", "Simi Valley 93063-93065", "Ventura 93001-93004",
            "Camarillo 93010-93012", "Moorpark 93021-93021", "Santa Paula 93060-93060", "Fillmore 93015-93015", "Ojai 93023-93023",
            "Port Hueneme 93041-93041"),
        County("Yolo", "YOL", 217, "Davis 95616-95618", "Woodland 95695-95695", "West Sacramento 95691-95691", "Winters 95694-95694"),
        County("Yuba", "YUB", 82, "Marysville 95901-95901", "Olivehurst 95961-95961", "Wheatland 95692-95692"),
    ];

    /// <summary>"Oakland 94601-94621": the name, then the ZIP range.</summary>
    private static PlaceCounty County(string name, string code, int population, params string[] cities) =>
        new(name, code, population, cities.Select(city =>
        {
            var space = city.LastIndexOf(' ');
            var zips = city[(space + 1)..].Split('-');
            return new PlaceCity(city[..space], int.Parse(zips[0], System.Globalization.CultureInfo.InvariantCulture),
                int.Parse(zips[1], System.Globalization.CultureInfo.InvariantCulture));
        }).ToList());
}
