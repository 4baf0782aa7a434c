package validate

import (
	"slices"

	"github.com/intake-project/intake/shared/customer"
)

// cloneSubmission copies s deeply, so that writing canonical values never changes the
// caller's submission.
func cloneSubmission(s customer.Submission) customer.Submission {
	s.ReceivedAt = clonePtr(s.ReceivedAt)
	s.Interests = slices.Clone(s.Interests)
	if s.Person != nil {
		p := *s.Person
		p.IDDocument = clonePtr(p.IDDocument)
		p.Phones = slices.Clone(p.Phones)
		p.Emails = slices.Clone(p.Emails)
		p.Address = clonePtr(p.Address)
		p.HabitualAddress = clonePtr(p.HabitualAddress)
		if p.Workplace != nil {
			w := *p.Workplace
			w.Address = clonePtr(w.Address)
			p.Workplace = &w
		}
		s.Person = &p
	}
	if s.Organisation != nil {
		o := *s.Organisation
		o.Address = clonePtr(o.Address)
		o.Phones = slices.Clone(o.Phones)
		o.Emails = slices.Clone(o.Emails)
		o.Licence = clonePtr(o.Licence)
		o.LegalRepresentative = cloneRelated(o.LegalRepresentative)
		o.Controller = cloneRelated(o.Controller)
		o.BeneficialOwner = cloneRelated(o.BeneficialOwner)
		o.ResponsiblePerson = cloneRelated(o.ResponsiblePerson)
		if o.Agents != nil {
			agents := make([]customer.RelatedPerson, len(o.Agents))
			for i := range o.Agents {
				agents[i] = *cloneRelated(&o.Agents[i])
			}
			o.Agents = agents
		}
		s.Organisation = &o
	}
	if s.Consent != nil {
		k := *s.Consent
		k.Purposes = slices.Clone(k.Purposes)
		s.Consent = &k
	}
	if s.Card != nil {
		k := *s.Card
		k.SignsBill = clonePtr(k.SignsBill)
		k.Family = slices.Clone(k.Family)
		k.Assistants = slices.Clone(k.Assistants)
		k.Friends = slices.Clone(k.Friends)
		k.SpecialDates = slices.Clone(k.SpecialDates)
		k.Spend = clonePtr(k.Spend)
		s.Card = &k
	}
	if s.Value != nil {
		v := *s.Value
		v.Amount = clonePtr(v.Amount)
		v.PurchaseTotal = clonePtr(v.PurchaseTotal)
		s.Value = &v
	}
	if s.Prospect != nil {
		p := *s.Prospect
		p.Budget = clonePtr(p.Budget)
		p.DecisionMaker = clonePtr(p.DecisionMaker)
		s.Prospect = &p
	}
	return s
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

func cloneRelated(p *customer.RelatedPerson) *customer.RelatedPerson {
	if p == nil {
		return nil
	}
	v := *p
	v.IDDocument = clonePtr(v.IDDocument)
	return &v
}
