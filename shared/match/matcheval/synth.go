package matcheval

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/intake-project/intake/shared/customer"
)

// Synthesizer makes FEBRL-like people by recombining the values of real records (given names,
// family names, streets, localities with their postcodes), with random birth dates and
// document numbers, and perturbs them the way the FEBRL generator does.
type Synthesizer struct {
	rng                    *rand.Rand
	given, family, streets []string
	line2s                 []string
	localities             []customer.Address
	next                   int
}

// NewSynthesizer draws its values from the records' submissions.
func NewSynthesizer(recs []Record, seed uint64) *Synthesizer {
	s := &Synthesizer{rng: rand.New(rand.NewPCG(seed, seed+1))}
	for _, r := range recs {
		p := r.Submission.Person
		if p == nil || p.Address == nil {
			continue
		}
		add := func(list *[]string, v string) {
			if v != "" {
				*list = append(*list, v)
			}
		}
		add(&s.given, p.GivenName)
		add(&s.family, p.FamilyName)
		add(&s.streets, strings.TrimLeft(p.Address.Line1, "0123456789 "))
		add(&s.line2s, p.Address.Line2)
		if p.Address.Postcode != "" {
			s.localities = append(s.localities, customer.Address{City: p.Address.City, Province: p.Address.Province, Postcode: p.Address.Postcode, Country: "AU"})
		}
	}
	return s
}

// Person returns a new random person.
func (s *Synthesizer) Person() customer.Submission {
	s.next++
	pick := func(list []string) string { return list[s.rng.IntN(len(list))] }
	given, family := pick(s.given), pick(s.family)
	loc := s.localities[s.rng.IntN(len(s.localities))]
	loc.Line1 = fmt.Sprintf("%d %s", 1+s.rng.IntN(300), pick(s.streets))
	loc.Line2 = pick(s.line2s)
	return customer.Submission{
		SourceRef: fmt.Sprintf("syn-%d", s.next),
		Channel:   customer.ChannelImport,
		Kind:      customer.KindPerson,
		Person: &customer.Person{
			Name:       given + " " + family,
			GivenName:  given,
			FamilyName: family,
			BirthDate:  fmt.Sprintf("%04d-%02d-%02d", 1920+s.rng.IntN(85), 1+s.rng.IntN(12), 1+s.rng.IntN(28)),
			IDDocument: &customer.IDDocument{Type: customer.DocOther, Number: fmt.Sprintf("%07d", s.rng.IntN(10_000_000)), IssuingCountry: "AU"},
			Address:    &loc,
		},
	}
}

// Perturb returns a copy of a person with a typo in one name and one other field changed or
// dropped, as a returning customer's new submission might be.
func (s *Synthesizer) Perturb(sub customer.Submission) customer.Submission {
	p := *sub.Person
	addr := *p.Address
	doc := *p.IDDocument
	p.Address, p.IDDocument = &addr, &doc
	if s.rng.IntN(2) == 0 {
		p.GivenName = s.typo(p.GivenName)
	} else {
		p.FamilyName = s.typo(p.FamilyName)
	}
	p.Name = p.GivenName + " " + p.FamilyName
	switch s.rng.IntN(4) {
	case 0:
		p.IDDocument = nil
	case 1:
		addr.Postcode = s.typo(addr.Postcode)
	case 2:
		p.BirthDate = ""
	default:
		addr.Line1 = s.typo(addr.Line1)
	}
	sub.Person = &p
	s.next++
	sub.SourceRef = fmt.Sprintf("syn-%d", s.next)
	return sub
}

// typo replaces one character of v by a random lower-case letter or digit of the same class.
func (s *Synthesizer) typo(v string) string {
	if v == "" {
		return v
	}
	b := []byte(v)
	i := s.rng.IntN(len(b))
	switch {
	case b[i] >= '0' && b[i] <= '9':
		b[i] = byte('0' + s.rng.IntN(10))
	default:
		b[i] = byte('a' + s.rng.IntN(26))
	}
	return string(b)
}
