package score

import (
	"maps"
	"slices"
	"testing"

	"github.com/intake-project/intake/shared/customer"
)

// Default points: documentMissing 4, documentUnverified 1, documentExpired 4, documentNoExpiry 1,
// noController 2, highRiskJurisdiction 4, highRiskOccupation 2, politicallyExposed 4.
// Levels: medium from 2 points, high from 4.
func TestKYCRisk(t *testing.T) {
	doc := func(expires string) *customer.IDDocument {
		return &customer.IDDocument{Type: customer.DocPassport, Number: "n", ExpiresOn: expires}
	}
	licensed := func(o customer.Organisation) *customer.Organisation {
		o.Licence = &customer.Licence{Name: "营业执照", Number: "n", ExpiresOn: "2040-01-01"}
		return &o
	}
	owner := &customer.RelatedPerson{Name: "b"}
	tests := []struct {
		name   string
		in     Input
		level  string
		points string
		rules  []string
	}{
		{
			name:  "a verified, valid document is low",
			in:    Input{KYCGrade: true, IdentityVerified: true, Person: &customer.Person{IDDocument: doc("2030-01-01")}},
			level: "low", points: "0", rules: []string{"kyc.level"},
		},
		{
			name:  "a document is valid on its last day",
			in:    Input{KYCGrade: true, IdentityVerified: true, Person: &customer.Person{IDDocument: doc("2026-03-15")}},
			level: "low", points: "0", rules: []string{"kyc.level"},
		},
		{
			name:  "a KYC-grade person with an expired document is high",
			in:    Input{KYCGrade: true, IdentityVerified: true, Person: &customer.Person{IDDocument: doc("2026-03-14")}},
			level: "high", points: "4", // expired 4
			rules: []string{"kyc.document_expired", "kyc.level"},
		},
		{
			name:  "a KYC-grade person without a document is high",
			in:    Input{KYCGrade: true, Person: &customer.Person{Name: "n"}},
			level: "high", points: "4", // missing 4; unverified and expiry are not checked on no document
			rules: []string{"kyc.document_missing", "kyc.level"},
		},
		{
			name:  "an unverified document alone is low",
			in:    Input{KYCGrade: true, Person: &customer.Person{IDDocument: doc("2030-01-01")}},
			level: "low", points: "1", // unverified 1 < 2
			rules: []string{"kyc.document_unverified", "kyc.level"},
		},
		{
			name:  "a long-term document does not expire",
			in:    Input{KYCGrade: true, Person: &customer.Person{IDDocument: doc("长期")}},
			level: "low", points: "1", // unverified 1
			rules: []string{"kyc.document_unverified", "kyc.level"},
		},
		{
			name:  "unverified and of unknown validity is medium",
			in:    Input{KYCGrade: true, Person: &customer.Person{IDDocument: doc("")}},
			level: "medium", points: "2", // unverified 1 + no expiry 1
			rules: []string{"kyc.document_unverified", "kyc.document_no_expiry", "kyc.level"},
		},
		{
			name:  "a diner without a document is not checked for one",
			in:    Input{Person: &customer.Person{Name: "n"}},
			level: "low", points: "0", rules: []string{"kyc.level"},
		},
		{
			name:  "a high-risk nationality counts for everyone, written in any case",
			in:    Input{Person: &customer.Person{Nationality: "prk"}},
			level: "high", points: "4",
			rules: []string{"kyc.high_risk_jurisdiction", "kyc.level"},
		},
		{
			name:  "a high-risk occupation is medium",
			in:    Input{Person: &customer.Person{Occupation: "珠宝店店主"}},
			level: "medium", points: "2",
			rules: []string{"kyc.high_risk_occupation", "kyc.level"},
		},
		{
			name:  "a politically exposed person is high",
			in:    Input{Person: &customer.Person{PoliticallyExposed: true}},
			level: "high", points: "4",
			rules: []string{"kyc.politically_exposed", "kyc.level"},
		},
		{
			name: "every rule at once adds up",
			in: Input{KYCGrade: true, Person: &customer.Person{
				Nationality: "IR", Occupation: "Pawnbroker", PoliticallyExposed: true, IDDocument: doc("2020-01-01"),
			}},
			level: "high", points: "15", // unverified 1 + expired 4 + jurisdiction 4 + occupation 2 + PEP 4
			rules: []string{
				"kyc.document_unverified", "kyc.document_expired", "kyc.high_risk_jurisdiction",
				"kyc.high_risk_occupation", "kyc.politically_exposed", "kyc.level",
			},
		},
		{
			name:  "a KYC-grade organisation without a controller is medium",
			in:    Input{Kind: customer.KindOrganisation, KYCGrade: true, IdentityVerified: true, Organisation: licensed(customer.Organisation{})},
			level: "medium", points: "2",
			rules: []string{"kyc.no_controller", "kyc.level"},
		},
		{
			name: "a beneficial owner names the controller",
			in: Input{Kind: customer.KindOrganisation, KYCGrade: true, IdentityVerified: true,
				Organisation: licensed(customer.Organisation{BeneficialOwner: owner})},
			level: "low", points: "0", rules: []string{"kyc.level"},
		},
		{
			name: "a pawnshop without a controller is high",
			in: Input{Kind: customer.KindOrganisation, KYCGrade: true, IdentityVerified: true,
				Organisation: licensed(customer.Organisation{BusinessScope: "典当业务"})},
			level: "high", points: "4", // no controller 2 + occupation 2
			rules: []string{"kyc.no_controller", "kyc.high_risk_occupation", "kyc.level"},
		},
		{
			name: "an organisation without a licence, registered in a listed jurisdiction",
			in: Input{Kind: customer.KindOrganisation, KYCGrade: true,
				Organisation: &customer.Organisation{Controller: owner, Address: &customer.Address{Country: "MM"}}},
			level: "high", points: "8", // licence missing 4 + jurisdiction 4
			rules: []string{"kyc.document_missing", "kyc.high_risk_jurisdiction", "kyc.level"},
		},
	}
	e := Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.in.Now = now
			if tt.in.Kind == "" {
				tt.in.Kind = customer.KindPerson
			}
			k := e.kycRisk(&tt.in)
			if k.Level != tt.level {
				t.Errorf("level = %s, want %s", k.Level, tt.level)
			}
			if got := k.Reasons[len(k.Reasons)-1].Inputs["points"]; got != tt.points {
				t.Errorf("points = %s, want %s", got, tt.points)
			}
			if rules := ruleNames(k.Reasons); !slices.Equal(rules, tt.rules) {
				t.Errorf("reasons = %v, want %v", rules, tt.rules)
			}
		})
	}
}

func TestKYCReasonsNameTheRuleNotTheValue(t *testing.T) {
	in := Input{Kind: customer.KindPerson, KYCGrade: true, IdentityVerified: true, Now: now, Person: &customer.Person{
		Occupation: "gold and precious metals trader", IDDocument: &customer.IDDocument{Type: "passport", Number: "E12345678", ExpiresOn: "2026-03-05"},
	}}
	k := Default().kycRisk(&in)
	want := []map[string]string{
		{"field": "person.idDocument.expiresOn", "expiredDaysAgo": "10"}, // 5 to 15 March
		{"field": "person.occupation", "keyword": "precious metal"},
	}
	for i, w := range want {
		if !maps.Equal(k.Reasons[i].Inputs, w) {
			t.Errorf("reason %d inputs = %v, want %v", i, k.Reasons[i].Inputs, w)
		}
	}
}

func TestKYCDocumentChecksForEveryone(t *testing.T) {
	text, _ := edited(t, "  documentChecks: kyc_grade\n", "  documentChecks: all\n")
	r, err := Parse([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	k := New(r).kycRisk(&Input{Kind: customer.KindPerson, Now: now, Person: &customer.Person{Name: "n"}})
	if k.Level != "high" || k.Reasons[0].Rule != "kyc.document_missing" {
		t.Errorf("got %s by %v, want high by kyc.document_missing", k.Level, ruleNames(k.Reasons))
	}
}
