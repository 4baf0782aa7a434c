package match

import (
	"encoding/json"
	"strings"

	"github.com/intake-project/intake/shared/customer"
)

// profile holds every normalised value of the fields that matching compares, for one
// submission or for everything a customer was ever given.
type profile struct {
	kind        customer.Kind
	names       []PersonName
	dates       []Date
	genders     []string
	ids         []idValue
	phones      []string
	emails      []string
	addresses   []address
	orgNames    []string
	creditCodes []string
	taxNumbers  []string
}

// idValue is an identity document number with the scheme that makes it comparable.
type idValue struct {
	scheme string // document type and issuing country
	number string
	// validResident marks a resident ID number whose check character is right: two different
	// such numbers are two different people.
	validResident bool
}

type address struct {
	line1, line2             []string
	city, postcode, province string
}

func (p *profile) addPerson(pe *customer.Person) {
	if pe == nil {
		return
	}
	p.addName(pe.Name, pe.GivenName, pe.FamilyName)
	p.addDate(pe.BirthDate)
	if g := strings.ToLower(strings.TrimSpace(pe.Gender)); g != "" {
		p.genders = append(p.genders, g)
	}
	p.addID(pe.IDDocument)
	p.addPhones(pe.Phones)
	p.addEmails(pe.Emails)
	p.addAddress(pe.Address)
	p.addAddress(pe.HabitualAddress)
}

func (p *profile) addOrganisation(o *customer.Organisation) {
	if o == nil {
		return
	}
	if n := FoldLatin(o.Name); n != "" {
		p.orgNames = append(p.orgNames, n)
	}
	if c := NormaliseIDNumber(o.CreditCode); c != "" {
		p.creditCodes = append(p.creditCodes, c)
	}
	if t := NormaliseIDNumber(o.TaxNumber); t != "" {
		p.taxNumbers = append(p.taxNumbers, t)
	}
	p.addAddress(o.Address)
	p.addPhones(o.Phones)
	p.addEmails(o.Emails)
}

func (p *profile) addName(full, given, family string) {
	if n := NormalisePersonName(full, given, family); n.Family != "" || n.Given != "" || n.Han != "" {
		p.names = append(p.names, n)
	}
}

func (p *profile) addDate(s string) {
	if d, ok := ParseDate(s); ok {
		p.dates = append(p.dates, d)
	}
}

func (p *profile) addID(doc *customer.IDDocument) {
	if doc == nil || doc.Number == "" {
		return
	}
	if v, ok := idOf(doc); ok {
		p.ids = append(p.ids, v)
	}
}

// idOf normalises a document number under its scheme; resident ID numbers are upgraded to
// 18 characters so that old and new cards of one person agree.
func idOf(doc *customer.IDDocument) (idValue, bool) {
	if doc.Type == customer.DocCNResidentID {
		n, valid := NormaliseResidentID(doc.Number)
		return idValue{scheme: doc.Type + ":CN", number: n, validResident: valid}, n != ""
	}
	n := NormaliseIDNumber(doc.Number)
	return idValue{scheme: doc.Type + ":" + strings.ToUpper(strings.TrimSpace(doc.IssuingCountry)), number: n}, n != ""
}

func (p *profile) addPhones(phones []string) {
	for _, ph := range phones {
		if e, ok := NormalisePhone(ph); ok {
			p.phones = append(p.phones, e)
		}
	}
}

func (p *profile) addEmails(emails []string) {
	for _, e := range emails {
		if n := NormaliseEmail(e); n != "" {
			p.emails = append(p.emails, n)
		}
	}
}

func (p *profile) addAddress(a *customer.Address) {
	if a == nil {
		return
	}
	n := address{
		line1:    AddressTokens(a.Line1),
		line2:    AddressTokens(a.Line2),
		city:     FoldLatin(a.City),
		postcode: NormaliseIDNumber(a.Postcode),
		province: FoldLatin(a.Province),
	}
	if len(n.line1)+len(n.line2) > 0 || n.city != "" || n.postcode != "" || n.province != "" {
		p.addresses = append(p.addresses, n)
	}
}

func submissionProfile(s customer.Submission) *profile {
	p := &profile{kind: s.Kind}
	p.addPerson(s.Person)
	p.addOrganisation(s.Organisation)
	return p
}

// customerProfile gathers every value a customer has had. Name parts are recombined per
// submission, because a given name only makes sense beside the family name it came with.
func customerProfile(c customer.Customer) *profile {
	p := &profile{kind: c.Kind}
	type nameParts struct{ full, given, family []string }
	names := map[string]*nameParts{}
	var order []string
	part := func(sub string) *nameParts {
		np, ok := names[sub]
		if !ok {
			np = &nameParts{}
			names[sub] = np
			order = append(order, sub)
		}
		return np
	}
	for _, a := range c.Attributes {
		switch a.Path {
		case "person.name":
			part(a.SubmissionID).full = append(part(a.SubmissionID).full, a.Value)
		case "person.givenName":
			part(a.SubmissionID).given = append(part(a.SubmissionID).given, a.Value)
		case "person.familyName":
			part(a.SubmissionID).family = append(part(a.SubmissionID).family, a.Value)
		case "person.birthDate":
			p.addDate(a.Value)
		case "person.gender":
			if g := strings.ToLower(strings.TrimSpace(a.Value)); g != "" {
				p.genders = append(p.genders, g)
			}
		case "person.idDocument":
			var d customer.IDDocument
			if json.Unmarshal([]byte(a.Value), &d) == nil {
				p.addID(&d)
			}
		case "person.phones", "organisation.phones":
			p.addPhones([]string{a.Value})
		case "person.emails", "organisation.emails":
			p.addEmails([]string{a.Value})
		case "person.address", "person.habitualAddress", "organisation.address":
			var ad customer.Address
			if json.Unmarshal([]byte(a.Value), &ad) == nil {
				p.addAddress(&ad)
			}
		case "organisation.name", "organisation.creditCode", "organisation.taxNumber":
			var o customer.Organisation
			switch a.Path {
			case "organisation.name":
				o.Name = a.Value
			case "organisation.creditCode":
				o.CreditCode = a.Value
			default:
				o.TaxNumber = a.Value
			}
			p.addOrganisation(&o)
		}
	}
	for _, sub := range order {
		np := names[sub]
		n := max(len(np.full), len(np.given), len(np.family))
		for i := 0; i < n; i++ {
			p.addName(at(np.full, i), at(np.given, i), at(np.family, i))
		}
	}
	return p
}

func at(ss []string, i int) string {
	if i < len(ss) {
		return ss[i]
	}
	return ""
}
