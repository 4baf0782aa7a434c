package match

import "strings"

// Field names, as they appear in rules files and explanations.
const (
	FieldFamilyName = "familyName"
	FieldGivenName  = "givenName"
	FieldBirthDate  = "birthDate"
	FieldGender     = "gender"
	FieldIDNumber   = "idNumber"
	FieldPhone      = "phone"
	FieldEmail      = "email"
	FieldStreet     = "addressLine1"
	FieldLine2      = "addressLine2"
	FieldLocality   = "locality"
	FieldOrgName    = "organisationName"
	FieldCreditCode = "creditCode"
	FieldTaxNumber  = "taxNumber"
)

// outcome is the agreement level of one field for one pair: level 0 is full agreement, the
// last level full disagreement; level -1 means a side has no value.
type outcome struct {
	level int
	sim   float64
}

var missing = outcome{level: -1}

// better reports whether o agrees more than p.
func (o outcome) better(p outcome) bool {
	if p.level < 0 {
		return o.level >= 0
	}
	return o.level >= 0 && (o.level < p.level || o.level == p.level && o.sim > p.sim)
}

// comparator is one field's comparison with its number of agreement levels.
type comparator struct {
	field   string
	levels  int
	compare func(a, b *profile) outcome
}

// comparators lists the compared fields in a fixed order; rules files give one m and one u
// probability per level of each.
var comparators = []comparator{
	{FieldFamilyName, 4, func(a, b *profile) outcome { return compareNames(a, b, true) }},
	{FieldGivenName, 4, func(a, b *profile) outcome { return compareNames(a, b, false) }},
	{FieldBirthDate, 4, compareDates},
	{FieldGender, 2, func(a, b *profile) outcome { return bestExact(a.genders, b.genders) }},
	{FieldIDNumber, 3, compareIDs},
	{FieldPhone, 2, func(a, b *profile) outcome { return bestExact(a.phones, b.phones) }},
	{FieldEmail, 2, func(a, b *profile) outcome { return bestExact(a.emails, b.emails) }},
	{FieldStreet, 4, func(a, b *profile) outcome { return compareLines(a, b, true) }},
	{FieldLine2, 4, func(a, b *profile) outcome { return compareLines(a, b, false) }},
	{FieldLocality, 4, func(a, b *profile) outcome { return bestOf(a.addresses, b.addresses, localityLevels) }},
	{FieldOrgName, 4, func(a, b *profile) outcome {
		return bestOf(a.orgNames, b.orgNames, func(x, y string) outcome { return stringLevels(x, y, 0.94, 0.85) })
	}},
	{FieldCreditCode, 2, func(a, b *profile) outcome { return bestExact(a.creditCodes, b.creditCodes) }},
	{FieldTaxNumber, 2, func(a, b *profile) outcome { return bestExact(a.taxNumbers, b.taxNumbers) }},
}

// bestOf compares every value of a with every value of b and keeps the best agreement: a
// customer matches on any value it ever had.
func bestOf[T any](a, b []T, cmp func(x, y T) outcome) outcome {
	best := missing
	for _, x := range a {
		for _, y := range b {
			if o := cmp(x, y); o.better(best) {
				best = o
			}
		}
	}
	return best
}

func bestExact(a, b []string) outcome { return bestOf(a, b, exactLevels) }

func exactLevels(x, y string) outcome {
	switch {
	case x == "" || y == "":
		return missing
	case x == y:
		return outcome{0, 1}
	}
	return outcome{1, 0}
}

// stringLevels grades two strings: equal, Jaro-Winkler at least close, at least similar (when
// similar > 0), or different.
func stringLevels(x, y string, close, similar float64) outcome {
	if x == "" || y == "" {
		return missing
	}
	if x == y {
		return outcome{0, 1}
	}
	s := JaroWinkler(x, y)
	last := 2
	if similar > 0 {
		last = 3
	}
	switch {
	case s >= close:
		return outcome{1, s}
	case similar > 0 && s >= similar:
		return outcome{2, s}
	}
	return outcome{last, s}
}

// codeLevels grades codes such as postcodes and document numbers: equal, one edit apart (a
// typo or two swapped digits), or different.
func codeLevels(x, y string) outcome {
	if x == "" || y == "" {
		return missing
	}
	if x == y {
		return outcome{0, 1}
	}
	if EditDistance(x, y) <= 1 {
		return outcome{1, 0.5}
	}
	return outcome{2, 0}
}

// nameLevels grades two name parts; a part that is the other with words missing (a middle
// name given once and not again) counts as close.
func nameLevels(x, y string) outcome {
	o := stringLevels(x, y, 0.94, 0.85)
	if o.level > 1 && (containsWords(x, y) || containsWords(y, x)) {
		return outcome{1, o.sim}
	}
	return o
}

func containsWords(long, short string) bool {
	lw, sw := strings.Fields(long), strings.Fields(short)
	if len(sw) == 0 || len(sw) >= len(lw) {
		return false
	}
	have := map[string]bool{}
	for _, w := range lw {
		have[w] = true
	}
	for _, w := range sw {
		if !have[w] {
			return false
		}
	}
	return true
}

// hanLevels grades a name part written in Han on both sides: the same characters agree;
// different characters read alike (张 and 章) are close at best.
func hanLevels(xHan, yHan, xPinyin, yPinyin string) outcome {
	if xHan == yHan {
		return outcome{0, 1}
	}
	o := nameLevels(xPinyin, yPinyin)
	if o.level == 0 {
		return outcome{1, 0.95}
	}
	return o
}

// familyLevels compares family names, by characters when both are written in Han.
func familyLevels(x, y PersonName) outcome {
	if x.Han != "" && y.Han != "" {
		return hanLevels(x.HanFamily, y.HanFamily, x.Family, y.Family)
	}
	return nameLevels(x.Family, y.Family)
}

// givenLevels compares given names, by characters when both are written in Han, and trying
// every reading of a Chinese given name against a name typed in pinyin.
func givenLevels(x, y PersonName) outcome {
	if x.Han != "" && y.Han != "" {
		return hanLevels(strings.TrimPrefix(x.Han, x.HanFamily), strings.TrimPrefix(y.Han, y.HanFamily), x.Given, y.Given)
	}
	best := nameLevels(x.Given, y.Given)
	for _, rx := range readings(x) {
		for _, ry := range readings(y) {
			if o := nameLevels(rx, ry); o.better(best) {
				best = o
			}
		}
	}
	return best
}

func readings(n PersonName) []string {
	if len(n.GivenReadings) > 0 {
		return n.GivenReadings
	}
	return []string{strings.ReplaceAll(n.Given, " ", "")}
}

// compareNames grades the family or the given name over every pair of names, allowing the
// two parts to have been entered the wrong way round.
func compareNames(a, b *profile, family bool) outcome {
	best := missing
	for _, x := range a.names {
		for _, y := range b.names {
			fam, giv := familyLevels(x, y), givenLevels(x, y)
			swappedFam := nameLevels(x.Family, y.Given)
			swappedGiv := nameLevels(x.Given, y.Family)
			if (x.Han == "" || y.Han == "") && sumLevels(swappedFam, swappedGiv) < sumLevels(fam, giv) {
				fam, giv = swappedFam, swappedGiv
			}
			o := giv
			if family {
				o = fam
			}
			if o.better(best) {
				best = o
			}
		}
	}
	return best
}

func sumLevels(a, b outcome) int {
	levels := func(o outcome) int {
		if o.level < 0 {
			return 2
		}
		return o.level
	}
	return levels(a) + levels(b)
}

// compareDates grades birth dates: equal; one slip (day and month swapped, one digit mistyped
// or two adjacent digits swapped, or just one of year, month and day wrong); the same year
// only; different.
func compareDates(a, b *profile) outcome {
	return bestOf(a.dates, b.dates, func(x, y Date) outcome {
		same := 0
		for _, eq := range []bool{x.Year == y.Year, x.Month == y.Month, x.Day == y.Day} {
			if eq {
				same++
			}
		}
		switch {
		case same == 3:
			return outcome{0, 1}
		case same == 2,
			x.Year == y.Year && x.Month == y.Day && x.Day == y.Month,
			EditDistance(x.String(), y.String()) == 1:
			return outcome{1, 0.8}
		case x.Year == y.Year:
			return outcome{2, 0.4}
		}
		return outcome{3, 0}
	})
}

// localityLevels grades city, postcode and province together, because they repeat one fact:
// counted as three independent agreements they would outweigh everything else. Levels: the
// city and postcode given agree; one of them agrees, or both nearly do; only the province
// agrees, or one of city and postcode nearly does; different.
func localityLevels(x, y address) outcome {
	city := stringLevels(x.city, y.city, 0.9, 0)
	post := codeLevels(x.postcode, y.postcode)
	prov := exactLevels(x.province, y.province)
	if city.level < 0 && post.level < 0 && prov.level < 0 {
		return missing
	}
	agree := func(o outcome) bool { return o.level == 0 }
	near := func(o outcome) bool { return o.level == 1 }
	absentOrAgree := func(o outcome) bool { return o.level <= 0 }
	switch {
	case (agree(city) || agree(post)) && absentOrAgree(city) && absentOrAgree(post):
		return outcome{0, 1}
	case agree(city) || agree(post), near(city) && near(post):
		return outcome{1, 0.7}
	case agree(prov) || near(city) || near(post):
		return outcome{2, 0.3}
	}
	return outcome{3, 0}
}

// compareIDs grades document numbers of the same scheme; numbers of different document types
// say nothing about each other.
func compareIDs(a, b *profile) outcome {
	return bestOf(a.ids, b.ids, func(x, y idValue) outcome {
		if x.scheme != y.scheme {
			return missing
		}
		return codeLevels(x.number, y.number)
	})
}

// compareLines grades the street line (or the second line), also against the other line of
// the other address, because people put the two in either order.
func compareLines(a, b *profile, first bool) outcome {
	return bestOf(a.addresses, b.addresses, func(x, y address) outcome {
		mine, same, other := x.line2, y.line2, y.line1
		if first {
			mine, same, other = x.line1, y.line1, y.line2
		}
		o := lineLevels(mine, same)
		if alt := lineLevels(mine, other); alt.level >= 0 && alt.better(o) && alt.level == 0 {
			o = alt
		}
		return o
	})
}

func lineLevels(x, y []string) outcome {
	if len(x) == 0 || len(y) == 0 {
		return missing
	}
	if strings.Join(x, " ") == strings.Join(y, " ") {
		return outcome{0, 1}
	}
	s := max(TokenSimilarity(x, y), JaroWinkler(strings.Join(x, ""), strings.Join(y, "")))
	switch {
	case s >= 0.9:
		return outcome{1, s}
	case s >= 0.7:
		return outcome{2, s}
	}
	return outcome{3, s}
}

// vetoed reports whether the two profiles carry different valid resident ID numbers and no
// common one: the strongest evidence that they are two people.
func vetoed(a, b *profile) bool {
	conflict := false
	for _, x := range a.ids {
		if !x.validResident {
			continue
		}
		for _, y := range b.ids {
			if !y.validResident {
				continue
			}
			if x.number == y.number {
				return false
			}
			conflict = true
		}
	}
	return conflict
}
