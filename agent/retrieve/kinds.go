package retrieve

import "strings"

// The kinds of values a column may hold, each in the words a question uses for it: "in which
// year", "in the month of june", "which country". A column of years called "Office" or "Released:",
// of dates called "Date", or of countries called "Team" is then found by those words, as value
// linking finds a column by one of its values (Lin et al. 2020, "Bridging Textual and Tabular
// Data for Cross-Domain Text-to-SQL Semantic Parsing").
const (
	kindYear        = "year"
	kindDate        = "month date"
	kindNumericDate = "date"
	kindCountry     = "country nation"
)

// kindLabel is how a search shows a kind it matched.
var kindLabel = map[string]string{kindYear: "years", kindDate: "dates", kindNumericDate: "dates", kindCountry: "countries"}

// kindsOf says what more than half of a column's distinct values are: years (a value holding a
// year and no month: "1987", "1886–1901", "2002–03"), dates (a value naming a month, "June 2006",
// "April 17, 1983", or written in numbers, "2009-11-05 10:30:00", "11/05/2009") or countries
// ("Sweden", "Soviet Union", "Spain (ESP)").
func kindsOf(values []string) []string {
	var years, dates, numericDates, countries int
	for _, v := range values {
		month := false
		eachWord(v, func(w string) { month = month || monthNames[w] })
		switch {
		case month:
			dates++
		case isNumericDate(v):
			numericDates++
		case holdsYear(v):
			years++
		}
		if isCountry(v) {
			countries++
		}
	}
	var out []string
	for _, k := range []struct {
		n    int
		kind string
	}{{years, kindYear}, {dates, kindDate}, {numericDates, kindNumericDate}, {countries, kindCountry}} {
		if 2*k.n > len(values) {
			out = append(out, k.kind)
		}
	}
	return out
}

// holdsYear says whether v holds a year: four digits of one (isYear) that are not part of a
// longer number ("1987.5", "1,987").
func holdsYear(v string) bool {
	digit := func(i int) bool { return i >= 0 && i < len(v) && v[i] >= '0' && v[i] <= '9' }
	// joined: the separator at sep joins the digits to a number's digit at next.
	joined := func(sep, next int) bool {
		return sep >= 0 && sep < len(v) && (v[sep] == '.' || v[sep] == ',') && digit(next)
	}
	for i := 0; i < len(v); {
		if !digit(i) {
			i++
			continue
		}
		j := i
		for digit(j) {
			j++
		}
		if j-i == 4 && isYear(v[i:j]) && !joined(i-1, i-2) && !joined(j, j+1) {
			return true
		}
		i = j
	}
	return false
}

// isNumericDate says whether v begins with a date written in numbers: year, month and day
// (ISO 8601's "2009-11-05", "2009/11/05") or day and month before the year ("05.11.2009",
// "11/05/09"). What follows (a time) does not matter.
func isNumericDate(v string) bool {
	var digits [3]int // how many digits each of the three numbers has
	var sep byte
	i := 0
	for k := range digits {
		j := i
		for j < len(v) && v[j] >= '0' && v[j] <= '9' {
			j++
		}
		if j == i {
			return false
		}
		digits[k], i = j-i, j
		if k == 2 {
			break
		}
		if i == len(v) || v[i] != '-' && v[i] != '/' && v[i] != '.' || sep != 0 && v[i] != sep {
			return false
		}
		sep = v[i]
		i++
	}
	small := func(d int) bool { return d == 1 || d == 2 }
	return digits[0] == 4 && small(digits[1]) && small(digits[2]) || small(digits[0]) && small(digits[1]) && (digits[2] == 2 || digits[2] == 4)
}

// monthNames are the months' names and their usual short forms.
var monthNames = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`january february march april may june july august september october november december
		jan feb mar apr jun jul aug sep sept oct nov dec`) {
		monthNames[w] = true
	}
}

// isCountry says whether a value names a country, ignoring case, accents, punctuation and a code or
// note in brackets after the name ("Spain (ESP)", "Czechoslovakia*", "Côte d'Ivoire").
func isCountry(v string) bool {
	if i := strings.IndexAny(v, "([{"); i >= 0 {
		v = v[:i]
	}
	var words []string
	eachWord(v, func(w string) { words = append(words, w) })
	return len(words) > 0 && countryNames[strings.Join(words, " ")]
}

// countryNames are the short names of the sovereign states (ISO 3166-1), the home nations of the
// United Kingdom and the states of the twentieth century that sports and history tables still name.
var countryNames = map[string]bool{}

func init() {
	for _, c := range strings.Split(`afghanistan|albania|algeria|andorra|angola|antigua and barbuda|argentina|armenia|australia|austria|
		azerbaijan|bahamas|bahrain|bangladesh|barbados|belarus|belgium|belize|benin|bhutan|bolivia|bosnia and herzegovina|botswana|
		brazil|brunei|bulgaria|burkina faso|burundi|cambodia|cameroon|canada|cape verde|central african republic|chad|chile|china|
		chinese taipei|colombia|comoros|congo|dr congo|costa rica|croatia|cuba|cyprus|czech republic|czechia|czechoslovakia|denmark|
		djibouti|dominica|dominican republic|east germany|ecuador|egypt|el salvador|england|equatorial guinea|eritrea|estonia|eswatini|
		ethiopia|fiji|finland|france|gabon|gambia|georgia|germany|ghana|great britain|greece|grenada|guatemala|guinea|guinea bissau|
		guyana|haiti|honduras|hong kong|hungary|iceland|india|indonesia|iran|iraq|ireland|israel|italy|ivory coast|cote d ivoire|
		jamaica|japan|jordan|kazakhstan|kenya|kiribati|kosovo|kuwait|kyrgyzstan|laos|latvia|lebanon|lesotho|liberia|libya|
		liechtenstein|lithuania|luxembourg|macau|madagascar|malawi|malaysia|maldives|mali|malta|marshall islands|mauritania|mauritius|
		mexico|micronesia|moldova|monaco|mongolia|montenegro|morocco|mozambique|myanmar|burma|namibia|nauru|nepal|netherlands|
		new zealand|nicaragua|niger|nigeria|north korea|north macedonia|macedonia|northern ireland|norway|oman|pakistan|palau|palestine|
		panama|papua new guinea|paraguay|peru|philippines|poland|portugal|puerto rico|qatar|romania|russia|rwanda|
		saint kitts and nevis|saint lucia|saint vincent and the grenadines|samoa|san marino|sao tome and principe|saudi arabia|scotland|
		senegal|serbia|serbia and montenegro|seychelles|sierra leone|singapore|slovakia|slovenia|solomon islands|somalia|south africa|
		south korea|korea|south sudan|soviet union|ussr|spain|sri lanka|sudan|suriname|sweden|switzerland|syria|taiwan|tajikistan|
		tanzania|thailand|east timor|timor leste|togo|tonga|trinidad and tobago|tunisia|turkey|turkmenistan|tuvalu|uganda|ukraine|
		united arab emirates|united kingdom|united states|united states of america|usa|uk|uruguay|uzbekistan|vanuatu|vatican city|
		venezuela|vietnam|wales|west germany|yemen|yugoslavia|zambia|zimbabwe`, "|") {
		countryNames[strings.TrimSpace(c)] = true
	}
}
