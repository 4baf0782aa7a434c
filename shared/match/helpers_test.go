package match

import (
	"testing"

	"github.com/intake-project/intake/shared/customer"
)

// person builds a person submission from a few fields; edit applies the rest.
func person(name, birth string, edit func(p *customer.Person)) customer.Submission {
	p := &customer.Person{Name: name, BirthDate: birth}
	if edit != nil {
		edit(p)
	}
	return customer.Submission{Channel: customer.ChannelWebForm, Kind: customer.KindPerson, Person: p}
}

// filed makes a customer out of the submissions filed on it, as the store keeps it.
func filed(id string, subs ...customer.Submission) customer.Customer {
	c := customer.Customer{ID: id, Kind: subs[0].Kind}
	for i, s := range subs {
		prov := customer.Provenance{Channel: s.Channel, SubmissionID: id + "-" + string(rune('a'+i))}
		c.Attributes = append(c.Attributes, Attributes(s, prov)...)
	}
	return c
}

func defaultMatcher(t *testing.T) *Matcher {
	t.Helper()
	m, err := NewDefault()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func residentID(n string) func(p *customer.Person) {
	return func(p *customer.Person) {
		p.IDDocument = &customer.IDDocument{Type: customer.DocCNResidentID, Number: n}
	}
}
