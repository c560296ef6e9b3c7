using Cers.FacilityApi.Facilities;

namespace Cers.FacilityApi.Tests.Facilities;

public sealed class AddressNormalizerTests
{
    [Theory]
    [InlineData("Street", "St")]
    [InlineData("Avenue", "Ave")]
    [InlineData("Av", "Ave")]
    [InlineData("Boulevard", "Blvd")]
    [InlineData("Road", "Rd")]
    [InlineData("Drive", "Dr")]
    [InlineData("Lane", "Ln")]
    [InlineData("Court", "Ct")]
    [InlineData("Place", "Pl")]
    [InlineData("Way", "Wy")]
    [InlineData("Highway", "Hwy")]
    [InlineData("Parkway", "Pkwy")]
    [InlineData("Circle", "Cir")]
    [InlineData("Terrace", "Ter")]
    [InlineData("Expressway", "Expy")]
    public void Each_suffix_and_its_USPS_abbreviation_normalize_alike(string full, string abbreviation)
    {
        var written = AddressNormalizer.NormalizeStreetLine($"1234 Alder {full}");
        var abbreviated = AddressNormalizer.NormalizeStreetLine($"1234 alder {abbreviation}.");

        written.ShouldBe(abbreviated);
        written.Name.ShouldBe("ALDER");
        written.Suffix.ShouldNotBeNull().Length.ShouldBeLessThanOrEqualTo(4);
    }

    [Theory]
    [InlineData("North", "N")]
    [InlineData("South", "S")]
    [InlineData("East", "E")]
    [InlineData("West", "W")]
    [InlineData("Northeast", "NE")]
    [InlineData("Northwest", "NW")]
    [InlineData("Southeast", "SE")]
    [InlineData("Southwest", "SW")]
    public void Each_directional_and_its_abbreviation_normalize_alike_before_or_after_the_name(string full, string abbreviation)
    {
        var before = AddressNormalizer.NormalizeStreetLine($"77 {full} Alder Street");
        var dotted = AddressNormalizer.NormalizeStreetLine($"77 {string.Join('.', abbreviation.ToCharArray())}. Alder St");
        var after = AddressNormalizer.NormalizeStreetLine($"77 Alder St {abbreviation}");

        before.ShouldBe(new NormalizedStreet("77", "ALDER", abbreviation, "ST", null));
        dotted.ShouldBe(before);
        after.ShouldBe(before);
    }

    [Theory]
    [InlineData("500 Capitol Mall, Suite 200")]
    [InlineData("500 Capitol Mall Ste 200")]
    [InlineData("500 Capitol Mall Ste. 200")]
    [InlineData("500 Capitol Mall #200")]
    [InlineData("500 Capitol Mall # 200")]
    [InlineData("500 Capitol Mall Unit 200")]
    [InlineData("500 Capitol Mall, Bldg 200")]
    [InlineData("500 CAPITOL MALL APT 200")]
    public void Unit_designators_are_taken_off_and_only_the_unit_identifier_is_kept(string line)
    {
        AddressNormalizer.NormalizeStreetLine(line).ShouldBe(new NormalizedStreet("500", "CAPITOL", null, "MALL", "200"));
    }

    [Theory]
    [InlineData("1234 N. Main St.")]
    [InlineData("1234 north main street")]
    [InlineData("1234 NORTH MAIN STREET")]
    [InlineData("  1234   N  Main   St  ")]
    [InlineData("1234, N Main St")]
    [InlineData("01234 N Main St")]
    [InlineData("1234 N Main (St)")]
    public void Case_punctuation_spacing_and_leading_zeros_do_not_matter(string line)
    {
        AddressNormalizer.NormalizeStreetLine(line).ShouldBe(new NormalizedStreet("1234", "MAIN", "N", "ST", null));
    }

    [Theory]
    [InlineData("10 North St", "N", "ST")]
    [InlineData("10 West Avenue", "W", "AVE")]
    [InlineData("10 Avenue B", "AVE B", null)]
    [InlineData("10 Ave B", "AVE B", null)]
    [InlineData("10 Court St", "CT", "ST")]
    [InlineData("10 Broadway", "BROADWAY", null)]
    [InlineData("10 El Camino Real", "EL CAMINO REAL", null)]
    [InlineData("10 Highway 99", "HWY 99", null)]
    [InlineData("10 Hwy 99", "HWY 99", null)]
    [InlineData("10 Park Ave", "PARK", "AVE")]
    public void A_word_that_is_the_name_itself_stays_the_name(string line, string name, string? suffix)
    {
        var street = AddressNormalizer.NormalizeStreetLine(line);

        street.Name.ShouldBe(name);
        street.Suffix.ShouldBe(suffix);
    }

    [Theory]
    [InlineData("100 First Street", "1ST")]
    [InlineData("100 1st St", "1ST")]
    [InlineData("100 Twelfth Ave", "12TH")]
    [InlineData("100 Saint Helena Hwy", "ST HELENA")]
    [InlineData("100 St. Helena Highway", "ST HELENA")]
    [InlineData("100 Mount Diablo Blvd", "MT DIABLO")]
    [InlineData("100 Cañada Rd", "CANADA")]
    [InlineData("100 O'Farrell St", "OFARRELL")]
    public void Names_written_two_ways_normalize_alike(string line, string name)
    {
        AddressNormalizer.NormalizeStreetLine(line).Name.ShouldBe(name);
    }

    [Theory]
    [InlineData("123A Main St", "123")]
    [InlineData("123-B Main St", "123")]
    [InlineData("123 1/2 Main St", "123")]
    public void A_house_number_keeps_its_digits(string line, string number)
    {
        var street = AddressNormalizer.NormalizeStreetLine(line);

        street.Number.ShouldBe(number);
        street.Name.ShouldBe("MAIN");
    }

    [Fact]
    public void A_number_alone_is_a_number_with_no_street()
    {
        AddressNormalizer.NormalizeStreetLine("1234").ShouldBe(new NormalizedStreet("1234", "", null, null, null));
        AddressNormalizer.NormalizeNumber(" 0042 ").ShouldBe("42");
        AddressNormalizer.NormalizeNumber("42B").ShouldBe("42");
        AddressNormalizer.NormalizeNumber("Main").ShouldBeNull();
    }

    [Fact]
    public void A_street_without_a_number_is_all_name_even_when_it_starts_with_an_ordinal()
    {
        AddressNormalizer.NormalizeStreetName("21st Street").ShouldBe(new NormalizedStreet(null, "21ST", null, "ST", null));
        AddressNormalizer.NormalizeStreetName("n main").ShouldBe(new NormalizedStreet(null, "MAIN", "N", null, null));
        AddressNormalizer.NormalizeStreetLine("21st Street").Number.ShouldBeNull();
    }

    [Theory]
    [InlineData("St. Helena", "ST HELENA")]
    [InlineData("Saint Helena", "ST HELENA")]
    [InlineData("mount shasta", "MT SHASTA")]
    [InlineData("La Cañada Flintridge", "LA CANADA FLINTRIDGE")]
    [InlineData("  South  San Francisco ", "SOUTH SAN FRANCISCO")]
    public void Cities_normalize_case_punctuation_and_saints(string city, string key)
    {
        AddressNormalizer.NormalizeCity(city).ShouldBe(key);
    }

    [Theory]
    [InlineData("95814", "95814")]
    [InlineData(" 95814 ", "95814")]
    [InlineData("95814-1234", "95814")]
    [InlineData("9581", null)]
    [InlineData("958145", null)]
    [InlineData("ABCDE", null)]
    [InlineData("95 814", null)]
    public void A_ZIP_is_five_digits_or_ZIP_plus_four(string zip, string? expected)
    {
        AddressNormalizer.NormalizeZip(zip).ShouldBe(expected);
    }

    [Theory]
    [InlineData("1234 N Main St, Sacramento, CA 95814", "SACRAMENTO", "95814")]
    [InlineData("1234 N Main St, Suite 5, Sacramento, California 95814-1234", "SACRAMENTO", "95814")]
    [InlineData("1234 n main st sacramento ca 95814", "SACRAMENTO", "95814")]
    [InlineData("1234 N Main St Elk Grove", "ELK GROVE", null)]
    [InlineData("1234 N Main St 95814", null, "95814")]
    [InlineData("1234 N Main St", null, null)]
    [InlineData("1234 Main St N, St. Helena", "ST HELENA", null)]
    public void A_one_line_address_splits_into_street_city_and_ZIP(string address, string? city, string? zip)
    {
        var parsed = AddressNormalizer.ParseFreeText(address);

        parsed.Street.Number.ShouldBe("1234");
        parsed.Street.Name.ShouldBe("MAIN");
        parsed.Street.Directional.ShouldBe("N");
        parsed.Street.Suffix.ShouldBe("ST");
        parsed.City.ShouldBe(city);
        parsed.Zip.ShouldBe(zip);
    }

    [Fact]
    public void A_one_line_address_keeps_its_unit_and_finds_a_city_whose_name_holds_a_suffix_word()
    {
        var parsed = AddressNormalizer.ParseFreeText("55 Oak Grove Rd Ste 5 Elk Grove 95758");

        parsed.Street.ShouldBe(new NormalizedStreet("55", "OAK GRV", null, "RD", "5"));
        parsed.City.ShouldBe("ELK GROVE");
        parsed.Zip.ShouldBe("95758");
    }

    [Fact]
    public void A_one_line_address_without_a_number_has_none()
    {
        AddressNormalizer.ParseFreeText("Main St, Sacramento").Street.Number.ShouldBeNull();
        AddressNormalizer.ParseFreeText("").Street.ShouldBe(new NormalizedStreet(null, "", null, null, null));
    }

    [Fact]
    public void The_normalized_street_reads_as_one_line()
    {
        AddressNormalizer.NormalizeStreetLine("1234 north main street suite 5").ToString().ShouldBe("1234 N MAIN ST # 5");
    }
}
