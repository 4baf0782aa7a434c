package score

import "github.com/intake-project/intake/shared/customer"

// presence says whether a customer has a value for one field. The field tables below are the
// paths a rules file may weigh; a path not in them is an error when the file is loaded.
type presence func(in *Input) bool

func person(in *Input) *customer.Person {
	if in.Person == nil {
		return &customer.Person{}
	}
	return in.Person
}

func organisation(in *Input) *customer.Organisation {
	if in.Organisation == nil {
		return &customer.Organisation{}
	}
	return in.Organisation
}

func hasAddress(a *customer.Address) bool { return a != nil && a.Line1 != "" }

func hasAny(values []string) bool {
	for _, v := range values {
		if v != "" {
			return true
		}
	}
	return false
}

// completeDocument is a document with the type, number and validity period KYC registers.
func completeDocument(d *customer.IDDocument) bool {
	return d != nil && d.Type != "" && d.Number != "" && d.ExpiresOn != ""
}

func namedPerson(p *customer.RelatedPerson) bool { return p != nil && p.Name != "" }

func identifiedPerson(p *customer.RelatedPerson) bool {
	return namedPerson(p) && completeDocument(p.IDDocument)
}

func personDoc(in *Input) *customer.IDDocument {
	if d := person(in).IDDocument; d != nil {
		return d
	}
	return &customer.IDDocument{}
}

func workplace(in *Input) *customer.Workplace {
	if w := person(in).Workplace; w != nil {
		return w
	}
	return &customer.Workplace{}
}

func licence(in *Input) *customer.Licence {
	if l := organisation(in).Licence; l != nil {
		return l
	}
	return &customer.Licence{}
}

// controllers are the people who control an organisation: its controller and its beneficial
// owner. Either one, named, satisfies "controller or beneficial owner".
func controllers(in *Input) []*customer.RelatedPerson {
	o := organisation(in)
	var named []*customer.RelatedPerson
	for _, p := range []*customer.RelatedPerson{o.Controller, o.BeneficialOwner} {
		if namedPerson(p) {
			named = append(named, p)
		}
	}
	return named
}

var personFields = map[string]presence{
	"person.name": func(in *Input) bool {
		p := person(in)
		return p.Name != "" || (p.GivenName != "" && p.FamilyName != "")
	},
	"person.gender":      func(in *Input) bool { return person(in).Gender != "" },
	"person.birthDate":   func(in *Input) bool { return person(in).BirthDate != "" },
	"person.nationality": func(in *Input) bool { return person(in).Nationality != "" },
	"person.occupation":  func(in *Input) bool { return person(in).Occupation != "" },
	"person.phones":      func(in *Input) bool { return hasAny(person(in).Phones) },
	"person.emails":      func(in *Input) bool { return hasAny(person(in).Emails) },
	// KYC asks for the residential address or the workplace address (住所地或者工作单位地址), so
	// either satisfies person.address; the habitual residence counts as residential.
	"person.address": func(in *Input) bool {
		p := person(in)
		return hasAddress(p.Address) || hasAddress(p.HabitualAddress) || hasAddress(workplace(in).Address)
	},
	"person.workplace.name":       func(in *Input) bool { return workplace(in).Name != "" },
	"person.workplace.position":   func(in *Input) bool { return workplace(in).Position != "" },
	"person.idDocument.type":      func(in *Input) bool { return personDoc(in).Type != "" },
	"person.idDocument.number":    func(in *Input) bool { return personDoc(in).Number != "" },
	"person.idDocument.expiresOn": func(in *Input) bool { return personDoc(in).ExpiresOn != "" },
}

var organisationFields = map[string]presence{
	"organisation.name":                func(in *Input) bool { return organisation(in).Name != "" },
	"organisation.creditCode":          func(in *Input) bool { return organisation(in).CreditCode != "" },
	"organisation.taxNumber":           func(in *Input) bool { return organisation(in).TaxNumber != "" },
	"organisation.businessScope":       func(in *Input) bool { return organisation(in).BusinessScope != "" },
	"organisation.address":             func(in *Input) bool { return hasAddress(organisation(in).Address) },
	"organisation.phones":              func(in *Input) bool { return hasAny(organisation(in).Phones) },
	"organisation.emails":              func(in *Input) bool { return hasAny(organisation(in).Emails) },
	"organisation.licence.name":        func(in *Input) bool { return licence(in).Name != "" },
	"organisation.licence.number":      func(in *Input) bool { return licence(in).Number != "" },
	"organisation.licence.expiresOn":   func(in *Input) bool { return licence(in).ExpiresOn != "" },
	"organisation.legalRepresentative": func(in *Input) bool { return namedPerson(organisation(in).LegalRepresentative) },
	"organisation.legalRepresentative.idDocument": func(in *Input) bool {
		return identifiedPerson(organisation(in).LegalRepresentative)
	},
	"organisation.controller": func(in *Input) bool { return len(controllers(in)) > 0 },
	"organisation.controller.idDocument": func(in *Input) bool {
		for _, p := range controllers(in) {
			if completeDocument(p.IDDocument) {
				return true
			}
		}
		return false
	},
	"organisation.responsiblePerson": func(in *Input) bool { return namedPerson(organisation(in).ResponsiblePerson) },
	// Every agent must be identified: one agent without a document leaves the field missing.
	"organisation.agents": func(in *Input) bool {
		agents := organisation(in).Agents
		for i := range agents {
			if !identifiedPerson(&agents[i]) {
				return false
			}
		}
		return len(agents) > 0
	},
}

// anyCard reports whether at least one card scan recorded the field.
func anyCard(has func(c *customer.CardInfo) bool) presence {
	return func(in *Input) bool {
		for i := range in.Cards {
			if has(&in.Cards[i]) {
				return true
			}
		}
		return false
	}
}

var cardFields = map[string]presence{
	"card.diningTier":           anyCard(func(c *customer.CardInfo) bool { return c.DiningTier != "" }),
	"card.frequency":            anyCard(func(c *customer.CardInfo) bool { return c.Frequency != "" }),
	"card.role":                 anyCard(func(c *customer.CardInfo) bool { return c.Role != "" }),
	"card.signsBill":            anyCard(func(c *customer.CardInfo) bool { return c.SignsBill != nil }),
	"card.patronageReason":      anyCard(func(c *customer.CardInfo) bool { return c.PatronageReason != "" }),
	"card.suggestions":          anyCard(func(c *customer.CardInfo) bool { return c.Suggestions != "" }),
	"card.habitualReceptionist": anyCard(func(c *customer.CardInfo) bool { return c.HabitualReceptionist != "" }),
	"card.family":               anyCard(func(c *customer.CardInfo) bool { return len(c.Family) > 0 }),
	"card.assistants":           anyCard(func(c *customer.CardInfo) bool { return len(c.Assistants) > 0 }),
	"card.friends":              anyCard(func(c *customer.CardInfo) bool { return len(c.Friends) > 0 }),
	"card.specialDates":         anyCard(func(c *customer.CardInfo) bool { return len(c.SpecialDates) > 0 }),
	"card.seating":              anyCard(func(c *customer.CardInfo) bool { return c.Seating != "" }),
}
