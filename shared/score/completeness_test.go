package score

import (
	"slices"
	"testing"

	"github.com/intake-project/intake/shared/customer"
)

// Default weights (rules.yaml), used in the arithmetic below:
//
//	person: name 2, gender 1, birthDate 1, nationality 1, occupation 1, phones 2, emails 1,
//	        address 1, workplace.name 1, workplace.position 1, idDocument.type/number/expiresOn 1
//	        each; total 15.
//	person, KYC grade: the nine identity fields weigh 3 each (27) plus birthDate, emails,
//	        workplace.name, workplace.position (4): total 31.
//	organisation: name 2, creditCode 2, taxNumber 1, businessScope 1, address 1, phones 1,
//	        emails 1, licence.name/number/expiresOn 1 each, legalRepresentative 1, its idDocument 1,
//	        controller 1, its idDocument 1, responsiblePerson 0.5, agents 1: total 17.5.
//	organisation, KYC grade: thirteen identity fields at 3 (39) plus phones, emails (2) and
//	        responsiblePerson (0.5): total 41.5.
//	cards: the five ※ fields at 3 (15) plus suggestions, habitualReceptionist, family,
//	        assistants, friends, seating at 0.5 (3) and specialDates 1: total 19.
func TestCompleteness(t *testing.T) {
	yes := true
	fullDoc := &customer.IDDocument{Type: customer.DocCNResidentID, Number: "n", ExpiresOn: "2030-01-01"}
	org := &customer.Organisation{
		Name:                "o",
		CreditCode:          "c",
		Address:             &customer.Address{Line1: "l"},
		LegalRepresentative: &customer.RelatedPerson{Name: "r", IDDocument: fullDoc},
		BeneficialOwner:     &customer.RelatedPerson{Name: "b"},
		Agents:              []customer.RelatedPerson{{Name: "a1", IDDocument: fullDoc}, {Name: "a2"}},
	}
	orgMissing := []string{
		"organisation.agents", "organisation.businessScope", "organisation.controller.idDocument",
		"organisation.emails", "organisation.licence.expiresOn", "organisation.licence.name",
		"organisation.licence.number", "organisation.phones", "organisation.responsiblePerson",
		"organisation.taxNumber",
	}
	tests := []struct {
		name    string
		in      Input
		ratio   float64
		missing []string
		rules   []string
	}{
		{
			name:  "a person with nothing has nothing",
			in:    Input{Kind: customer.KindPerson},
			ratio: 0, // 0 / 15
			missing: []string{
				"person.address", "person.birthDate", "person.emails", "person.gender",
				"person.idDocument.expiresOn", "person.idDocument.number", "person.idDocument.type",
				"person.name", "person.nationality", "person.occupation", "person.phones",
				"person.workplace.name", "person.workplace.position",
			},
			rules: []string{"completeness.ratio"},
		},
		{
			name:  "name and phone",
			in:    Input{Kind: customer.KindPerson, Person: &customer.Person{Name: "n", Phones: []string{"p"}}},
			ratio: 0.2667, // (2 + 2) / 15 = 0.26667
			missing: []string{
				"person.address", "person.birthDate", "person.emails", "person.gender",
				"person.idDocument.expiresOn", "person.idDocument.number", "person.idDocument.type",
				"person.nationality", "person.occupation", "person.workplace.name", "person.workplace.position",
			},
			rules: []string{"completeness.ratio"},
		},
		{
			name: "given and family name count as a name; a workplace address as the address",
			in: Input{Kind: customer.KindPerson, Person: &customer.Person{
				GivenName: "g", FamilyName: "f",
				Workplace: &customer.Workplace{Name: "w", Position: "p", Address: &customer.Address{Line1: "l"}},
			}},
			ratio: 0.3333, // name 2 + address 1 + workplace.name 1 + workplace.position 1 = 5 / 15
			missing: []string{
				"person.birthDate", "person.emails", "person.gender", "person.idDocument.expiresOn",
				"person.idDocument.number", "person.idDocument.type", "person.nationality",
				"person.occupation", "person.phones",
			},
			rules: []string{"completeness.ratio"},
		},
		{
			name: "a KYC-grade person weighs the identity fields as mandatory",
			in: Input{Kind: customer.KindPerson, KYCGrade: true, Person: &customer.Person{
				Name: "n", Gender: "female", Nationality: "CN", Occupation: "o", BirthDate: "1990-01-01",
				Address: &customer.Address{Line1: "l"}, Phones: []string{"p"}, IDDocument: fullDoc,
			}},
			ratio:   0.9032, // 9 identity fields at 3 = 27, birthDate 1: 28 / 31 = 0.90323
			missing: []string{"person.emails", "person.workplace.name", "person.workplace.position"},
			rules:   []string{"completeness.kyc_identity_mandatory", "completeness.ratio"},
		},
		{
			name: "a KYC-grade person missing the ID document",
			in: Input{Kind: customer.KindPerson, KYCGrade: true, Person: &customer.Person{
				Name: "n", Gender: "female", Nationality: "CN", Occupation: "o",
				Address: &customer.Address{Line1: "l"}, Phones: []string{"p"},
			}},
			ratio: 0.5806, // 6 identity fields at 3 = 18 / 31 = 0.58065
			missing: []string{
				"person.birthDate", "person.emails", "person.idDocument.expiresOn", "person.idDocument.number",
				"person.idDocument.type", "person.workplace.name", "person.workplace.position",
			},
			rules: []string{"completeness.kyc_identity_mandatory", "completeness.ratio"},
		},
		{
			name: "only a card: the ※ fields weigh as mandatory",
			in: Input{Kind: customer.KindPerson, Cards: []customer.CardInfo{
				{DiningTier: "business", Frequency: "monthly"},
				{Role: "host", SignsBill: &yes, PatronageReason: "referral", SpecialDates: []customer.SpecialDate{{Kind: "birthday", Date: "--05-01"}}},
			}},
			ratio: 0.4706, // person 0 of 15; cards 5 × 3 + specialDates 1 = 16 of 19: 16 / 34 = 0.47059
			missing: []string{
				"card.assistants", "card.family", "card.friends", "card.habitualReceptionist", "card.seating",
				"card.suggestions", "person.address", "person.birthDate", "person.emails", "person.gender",
				"person.idDocument.expiresOn", "person.idDocument.number", "person.idDocument.type",
				"person.name", "person.nationality", "person.occupation", "person.phones",
				"person.workplace.name", "person.workplace.position",
			},
			rules: []string{"completeness.card_fields", "completeness.card_mandatory", "completeness.ratio"},
		},
		{
			name:    "an organisation",
			in:      Input{Kind: customer.KindOrganisation, Organisation: org},
			ratio:   0.4571, // name 2 + creditCode 2 + address 1 + legalRep 1 + its ID 1 + controller 1 = 8 / 17.5 = 0.45714
			missing: orgMissing,
			rules:   []string{"completeness.ratio"},
		},
		{
			name:    "a KYC-grade organisation",
			in:      Input{Kind: customer.KindOrganisation, KYCGrade: true, Organisation: org},
			ratio:   0.4337, // the same six fields, now at 3 each: 18 / 41.5 = 0.43373
			missing: orgMissing,
			rules:   []string{"completeness.kyc_identity_mandatory", "completeness.ratio"},
		},
	}
	e := Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := e.completeness(&tt.in)
			if got.Ratio != tt.ratio {
				t.Errorf("ratio = %v, want %v", got.Ratio, tt.ratio)
			}
			if !slices.Equal(got.Missing, tt.missing) {
				t.Errorf("missing = %v, want %v", got.Missing, tt.missing)
			}
			if rules := ruleNames(got.Reasons); !slices.Equal(rules, tt.rules) {
				t.Errorf("reasons = %v, want %v", rules, tt.rules)
			}
		})
	}
}

func ruleNames(reasons []customer.Reason) []string {
	names := make([]string, len(reasons))
	for i, r := range reasons {
		names[i] = r.Rule
	}
	return names
}

func TestCompletenessRatioReasonCarriesTheWeights(t *testing.T) {
	got := Default().completeness(&Input{Kind: customer.KindPerson, Person: &customer.Person{Name: "n"}})
	last := got.Reasons[len(got.Reasons)-1]
	want := map[string]string{"presentWeight": "2", "totalWeight": "15", "missing": "12"}
	for k, v := range want {
		if last.Inputs[k] != v {
			t.Errorf("%s = %q, want %q", k, last.Inputs[k], v)
		}
	}
}
