package match

import (
	"sort"
	"strings"

	"github.com/intake-project/intake/shared/customer"
)

// KeyValue is a lookup key of a submission: its kind and its normalised value, which the
// caller hashes before storing. Unique keys identify one customer (an identity number, a phone,
// an email); the others are blocks that gather candidates for comparison.
type KeyValue struct {
	Kind   string
	Value  string
	Unique bool
}

// Key kinds.
const (
	KeyIDDocument  = "id"          // document scheme + number
	KeyPhone       = "phone"       // E.164
	KeyEmail       = "email"       // normalised address
	KeyCreditCode  = "credit_code" // unified social credit code
	KeyTaxNumber   = "tax_number"
	KeyHanNameDate = "han_name_dob"  // Chinese name as written + birth date
	KeyNameDate    = "name_dob"      // phonetic code of one name part + birth date
	KeyNamesYear   = "names_year"    // phonetic codes of both name parts + birth year
	KeyNamesDay    = "names_day"     // phonetic codes of both name parts + birth month and day
	KeyNamesMonth  = "names_month"   // phonetic codes of both name parts + birth month
	KeyNamePost    = "name_postcode" // phonetic code of one name part + postcode
	KeyDatePost    = "dob_postcode"  // birth date + postcode
	KeyNameMonth   = "name_month"    // phonetic code of one name part + birth year and month
	KeyNameStreet  = "name_street"   // phonetic code of one name part + phonetic code of the street
	KeyDateStreet  = "dob_street"    // birth date + phonetic code of the street
	KeyOrgName     = "org_name"      // folded organisation name
)

// Keys computes the lookup keys of a submission. The fuzzy keys are chosen so that a true
// duplicate with one or two mistyped or missing fields still shares at least one key with the
// customer: each pairs two different fields, and names enter as phonetic codes, with both name
// parts keyed separately so that swapped given and family names still meet.
func Keys(s customer.Submission) []KeyValue {
	p := submissionProfile(s)
	var ks keySet
	for _, id := range p.ids {
		ks.add(KeyIDDocument, id.scheme+":"+id.number, true)
	}
	for _, ph := range p.phones {
		ks.add(KeyPhone, ph, true)
	}
	for _, e := range p.emails {
		ks.add(KeyEmail, e, true)
	}
	for _, c := range p.creditCodes {
		ks.add(KeyCreditCode, c, true)
	}
	for _, t := range p.taxNumbers {
		ks.add(KeyTaxNumber, t, true)
	}
	for _, o := range p.orgNames {
		ks.add(KeyOrgName, o, false)
	}
	var postcodes, streets []string
	for _, a := range p.addresses {
		if a.postcode != "" {
			postcodes = append(postcodes, a.postcode)
		}
		if st := streetCode(a.line1); st != "" {
			streets = append(streets, st)
		}
	}
	for _, n := range p.names {
		codes := nameCodes(n)
		for _, d := range p.dates {
			if n.Han != "" {
				ks.add(KeyHanNameDate, n.Han+"|"+d.String(), false)
			}
			for _, c := range codes {
				ks.add(KeyNameDate, c+"|"+d.String(), false)
				ks.add(KeyNameMonth, c+"|"+d.String()[:6], false)
			}
			if len(codes) == 2 {
				pair := codes[0] + "|" + codes[1]
				ks.add(KeyNamesYear, pair+"|"+d.String()[:4], false)
				ks.add(KeyNamesDay, pair+"|"+d.String()[4:], false)
				ks.add(KeyNamesMonth, pair+"|"+d.String()[4:6], false)
			}
		}
		for _, c := range codes {
			for _, pc := range postcodes {
				ks.add(KeyNamePost, c+"|"+pc, false)
			}
			for _, st := range streets {
				ks.add(KeyNameStreet, c+"|"+st, false)
			}
		}
	}
	for _, d := range p.dates {
		for _, pc := range postcodes {
			ks.add(KeyDatePost, d.String()+"|"+pc, false)
		}
		for _, st := range streets {
			ks.add(KeyDateStreet, d.String()+"|"+st, false)
		}
	}
	return ks.keys
}

// nameCodes are the sorted Soundex codes of the family name and of the first given name.
func nameCodes(n PersonName) []string {
	var codes []string
	for _, part := range []string{n.Family, firstWord(n.Given)} {
		if c := Soundex(strings.ReplaceAll(part, " ", "")); c != "" {
			codes = append(codes, c)
		}
	}
	sort.Strings(codes)
	return codes
}

// streetCode is the Soundex code of the letters of a street line, ignoring house numbers and
// spacing, so that "7 dixon drive" and "7 dixondrive" share it.
func streetCode(line []string) string {
	var b strings.Builder
	for _, w := range line {
		for _, r := range w {
			if r >= 'a' && r <= 'z' {
				b.WriteRune(r)
			}
		}
	}
	return Soundex(b.String())
}

func firstWord(s string) string {
	if i := strings.IndexByte(s, ' '); i >= 0 {
		return s[:i]
	}
	return s
}

type keySet struct {
	keys []KeyValue
	seen map[KeyValue]bool
}

func (k *keySet) add(kind, value string, unique bool) {
	kv := KeyValue{Kind: kind, Value: value, Unique: unique}
	if k.seen == nil {
		k.seen = map[KeyValue]bool{}
	}
	if !k.seen[kv] {
		k.seen[kv] = true
		k.keys = append(k.keys, kv)
	}
}
