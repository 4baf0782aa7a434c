package match

import (
	"encoding/json"
	"strconv"

	"github.com/intake-project/intake/shared/customer"
)

// Attributes flattens a submission into customer attributes by the path convention of
// customer.Attribute: scalar fields as text, structured values (identity documents, addresses,
// workplaces, licences, related persons, associates, special dates, consent) as compact JSON,
// and list fields as one attribute per value. Empty fields give no attribute.
func Attributes(s customer.Submission, prov customer.Provenance) []customer.Attribute {
	f := flattener{prov: prov}
	if p := s.Person; p != nil {
		f.text("person.name", p.Name)
		f.text("person.givenName", p.GivenName)
		f.text("person.familyName", p.FamilyName)
		f.text("person.gender", p.Gender)
		f.text("person.birthDate", p.BirthDate)
		f.text("person.nationality", p.Nationality)
		f.text("person.occupation", p.Occupation)
		if p.IDDocument != nil {
			f.json("person.idDocument", p.IDDocument)
		}
		f.texts("person.phones", p.Phones)
		f.texts("person.emails", p.Emails)
		if p.Address != nil {
			f.json("person.address", p.Address)
		}
		if p.HabitualAddress != nil {
			f.json("person.habitualAddress", p.HabitualAddress)
		}
		if p.Workplace != nil {
			f.json("person.workplace", p.Workplace)
		}
		if p.PoliticallyExposed {
			f.text("person.politicallyExposed", "true")
		}
	}
	if o := s.Organisation; o != nil {
		f.text("organisation.name", o.Name)
		f.text("organisation.creditCode", o.CreditCode)
		f.text("organisation.taxNumber", o.TaxNumber)
		f.text("organisation.businessScope", o.BusinessScope)
		if o.Address != nil {
			f.json("organisation.address", o.Address)
		}
		f.texts("organisation.phones", o.Phones)
		f.texts("organisation.emails", o.Emails)
		if o.Licence != nil {
			f.json("organisation.licence", o.Licence)
		}
		for _, rp := range []struct {
			path string
			p    *customer.RelatedPerson
		}{
			{"organisation.legalRepresentative", o.LegalRepresentative},
			{"organisation.controller", o.Controller},
			{"organisation.beneficialOwner", o.BeneficialOwner},
			{"organisation.responsiblePerson", o.ResponsiblePerson},
		} {
			if rp.p != nil {
				f.json(rp.path, rp.p)
			}
		}
		for _, a := range o.Agents {
			f.json("organisation.agents", a)
		}
	}
	if c := s.Consent; c != nil {
		f.json("consent", c)
	}
	if c := s.Card; c != nil {
		f.text("card.diningTier", c.DiningTier)
		f.text("card.frequency", c.Frequency)
		f.text("card.role", c.Role)
		if c.SignsBill != nil {
			f.text("card.signsBill", strconv.FormatBool(*c.SignsBill))
		}
		f.text("card.patronageReason", c.PatronageReason)
		f.text("card.suggestions", c.Suggestions)
		f.text("card.habitualReceptionist", c.HabitualReceptionist)
		for _, a := range c.Family {
			f.json("card.family", a)
		}
		for _, a := range c.Assistants {
			f.json("card.assistants", a)
		}
		for _, a := range c.Friends {
			f.json("card.friends", a)
		}
		for _, d := range c.SpecialDates {
			f.json("card.specialDates", d)
		}
		f.text("card.complaints", c.Complaints)
		f.text("card.seating", c.Seating)
		if c.Spend != nil {
			f.text("card.spend", strconv.FormatFloat(*c.Spend, 'f', -1, 64))
		}
		f.text("card.visitedOn", c.VisitedOn)
	}
	if v := s.Value; v != nil {
		if v.Amount != nil {
			f.text("value.amount", strconv.FormatFloat(*v.Amount, 'f', -1, 64))
		}
		if v.PurchaseTotal != nil {
			f.text("value.purchaseTotal", strconv.FormatFloat(*v.PurchaseTotal, 'f', -1, 64))
		}
		f.text("value.influence", v.Influence)
		f.text("value.stage", v.Stage)
		f.text("value.occurredOn", v.OccurredOn)
	}
	if p := s.Prospect; p != nil {
		if p.Budget != nil {
			f.text("prospect.budget", strconv.FormatFloat(*p.Budget, 'f', -1, 64))
		}
		if p.DecisionMaker != nil {
			f.text("prospect.decisionMaker", strconv.FormatBool(*p.DecisionMaker))
		}
		f.text("prospect.need", p.Need)
	}
	f.texts("interests", s.Interests)
	return f.out
}

type flattener struct {
	prov customer.Provenance
	out  []customer.Attribute
}

func (f *flattener) text(path, v string) {
	if v != "" {
		f.out = append(f.out, customer.Attribute{Path: path, Value: v, Provenance: f.prov})
	}
}

func (f *flattener) texts(path string, vs []string) {
	for _, v := range vs {
		f.text(path, v)
	}
}

// json stores a structured value; the model's types always marshal, so an error cannot occur.
func (f *flattener) json(path string, v any) {
	b, err := json.Marshal(v)
	if err == nil && string(b) != "{}" {
		f.text(path, string(b))
	}
}
