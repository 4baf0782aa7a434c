package hygiene_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/intake-project/intake/shared/hygiene"
)

func TestDefaultPolicy(t *testing.T) {
	p := hygiene.DefaultPolicy()
	if p.Version == "" {
		t.Error("the embedded policy has no version")
	}
	if p.PayloadRetention != 30*24*time.Hour {
		t.Errorf("PayloadRetention = %v, want 30 days", p.PayloadRetention)
	}
	if p.Purge.RelationshipEndedYears != 5 {
		t.Errorf("RelationshipEndedYears = %d, want the PBoC's 5", p.Purge.RelationshipEndedYears)
	}
	for _, g := range append(slices.Clone(hygiene.Grades), hygiene.Ungraded) {
		if p.Refresh.AfterMonths[g] <= 0 {
			t.Errorf("no refresh period for %s", g)
		}
	}
	if !slices.Equal(p.Purge.ProspectGrades, []string{"D", "E"}) {
		t.Errorf("ProspectGrades = %v, want D and E", p.Purge.ProspectGrades)
	}
	want := []string{"card.diningTier", "card.frequency", "card.role", "card.signsBill", "card.patronageReason"}
	var got []string
	for _, r := range p.Refresh.Mandatory.Card {
		got = append(got, r.String())
	}
	if !slices.Equal(got, want) {
		t.Errorf("mandatory card fields %v, want the ※ fields %v", got, want)
	}
}

func TestParsePolicyOverridesDefaults(t *testing.T) {
	def := hygiene.DefaultPolicy()
	tests := []struct {
		name  string
		yaml  string
		check func(t *testing.T, p *hygiene.Policy)
	}{
		{"a version alone keeps every default", "version: site-1\n", func(t *testing.T, p *hygiene.Policy) {
			if p.Version != "site-1" || p.PayloadRetention != def.PayloadRetention || p.Refresh.AfterMonths["C"] != def.Refresh.AfterMonths["C"] {
				t.Errorf("got %+v", p)
			}
		}},
		{"one grade's period replaces that grade only", "version: site-1\nrefresh:\n  afterMonths:\n    A: 3\n", func(t *testing.T, p *hygiene.Policy) {
			if p.Refresh.AfterMonths["A"] != 3 || p.Refresh.AfterMonths["B"] != def.Refresh.AfterMonths["B"] {
				t.Errorf("afterMonths %v", p.Refresh.AfterMonths)
			}
		}},
		{"a list replaces the default list", "version: site-1\npurge:\n  prospect:\n    grades: [E]\n", func(t *testing.T, p *hygiene.Policy) {
			if !slices.Equal(p.Purge.ProspectGrades, []string{"E"}) || p.Purge.ProspectInactiveMonths != def.Purge.ProspectInactiveMonths {
				t.Errorf("prospect %v %d", p.Purge.ProspectGrades, p.Purge.ProspectInactiveMonths)
			}
		}},
		{"alternatives in a mandatory field", "version: site-1\nrefresh:\n  mandatory:\n    card: [\"card.role | card.seating\"]\n", func(t *testing.T, p *hygiene.Policy) {
			if len(p.Refresh.Mandatory.Card) != 1 || !slices.Equal(p.Refresh.Mandatory.Card[0], hygiene.Requirement{"card.role", "card.seating"}) {
				t.Errorf("card %v", p.Refresh.Mandatory.Card)
			}
		}},
		{"payload retention in days", "version: site-1\npayload:\n  retentionDays: 7\n", func(t *testing.T, p *hygiene.Policy) {
			if p.PayloadRetention != 7*24*time.Hour {
				t.Errorf("PayloadRetention %v", p.PayloadRetention)
			}
		}},
		{"KYC retention can be turned off", "version: site-1\npurge:\n  retainKYCRecords: false\n", func(t *testing.T, p *hygiene.Policy) {
			if p.Purge.RetainKYCRecords {
				t.Error("RetainKYCRecords still true")
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := hygiene.ParsePolicy([]byte(tc.yaml))
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, p)
		})
	}
}

func TestParsePolicyReportsEveryProblemWithItsLine(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string // each must appear in the error, in this order
	}{
		{"empty file", "", []string{"line 1: the file is empty"}},
		{"YAML syntax", "version: x\nrefresh: [\n", []string{"line 2: did not find expected node content"}},
		{"no version", "refresh:\n  afterMonths:\n    A: 3\n", []string{"line 1: version: missing"}},
		{"unknown key", "version: x\nrefresh:\n  afterMonth:\n    A: 3\n", []string{`line 3: unknown key "afterMonth"`}},
		{"wrong type", "version: x\nrefresh:\n  afterMonths:\n    A: six\n", []string{`line 4: want a whole number, got "six"`}},
		{"a list where a number belongs", "version: x\npayload:\n  retentionDays: [1]\n", []string{"line 3: want a whole number, got a list"}},
		{"unknown grade", "version: x\nrefresh:\n  afterMonths:\n    F: 3\n", []string{`line 4: refresh.afterMonths.F: unknown grade "F"`}},
		{"a zero period", "version: x\nrefresh:\n  afterMonths:\n    B: 0\n", []string{"line 4: refresh.afterMonths.B: want a whole number from 1 to 1200, got 0"}},
		{"a path that is not a document", "version: x\nrefresh:\n  documents:\n    paths:\n      - person.idDocument\n      - person.name\n",
			[]string{`line 6: refresh.documents.paths[1]: "person.name" is not a document`}},
		{"a field the model does not have", "version: x\nrefresh:\n  mandatory:\n    kycPerson:\n      - person.name\n      - person.address | person.shoeSize\n",
			[]string{`line 6: refresh.mandatory.kycPerson[1]: "person.shoeSize": no field "shoeSize"`}},
		{"a whole block as a mandatory field", "version: x\nrefresh:\n  mandatory:\n    card: [card]\n", []string{`line 4: refresh.mandatory.card[0]: "card" is a whole block`}},
		{"submission metadata as a mandatory field", "version: x\nrefresh:\n  mandatory:\n    card: [channel]\n", []string{`"channel" describes the submission`}},
		{"unknown and repeated prospect grades", "version: x\npurge:\n  prospect:\n    grades:\n      - Z\n      - E\n      - E\n",
			[]string{`line 5: purge.prospect.grades[0]: unknown grade "Z"`, "line 7: purge.prospect.grades[2]: grade E is listed twice"}},
		{"negative days", "version: x\npurge:\n  consentWithdrawn:\n    afterDays: -1\n", []string{"line 4: purge.consentWithdrawn.afterDays: want a whole number from 0 to 3650, got -1"}},
		{"no payload retention", "version: x\npayload:\n  retentionDays: 0\n", []string{"line 3: payload.retentionDays"}},
		{"several problems, by line", "version: x\npayload:\n  retentionDays: 0\npurge:\n  relationshipEnded:\n    afterYears: 500\n",
			[]string{"line 3: payload.retentionDays", "line 6: purge.relationshipEnded.afterYears"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := hygiene.ParsePolicy([]byte(tc.yaml))
			if !errors.Is(err, hygiene.ErrInvalidPolicy) {
				t.Fatalf("err = %v, want ErrInvalidPolicy", err)
			}
			msg, at := err.Error(), 0
			for _, w := range tc.want {
				i := strings.Index(msg[at:], w)
				if i < 0 {
					t.Fatalf("error %q lacks %q (in order)", msg, w)
				}
				at += i + len(w)
			}
			if strings.Contains(msg, "hygiene.") || strings.Contains(msg, "int into") {
				t.Errorf("error %q speaks Go, not policy", msg)
			}
		})
	}
}

func TestLoadPolicy(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "policy.yaml")
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(good, []byte("version: site-2\npurge:\n  relationshipEnded:\n    afterYears: 7\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte("version: site-2\npurge:\n  relationshipEnded:\n    afterYear: 7\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := hygiene.LoadPolicy(good)
	if err != nil || p.Version != "site-2" || p.Purge.RelationshipEndedYears != 7 {
		t.Fatalf("LoadPolicy(good) = %+v, %v", p, err)
	}
	_, err = hygiene.LoadPolicy(bad)
	if !errors.Is(err, hygiene.ErrInvalidPolicy) || !strings.Contains(err.Error(), bad) || !strings.Contains(err.Error(), "line 4") {
		t.Errorf("LoadPolicy(bad) error %v: want ErrInvalidPolicy naming the file and line 4", err)
	}
	if _, err := hygiene.LoadPolicy(filepath.Join(dir, "absent.yaml")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("LoadPolicy(absent) error %v, want os.ErrNotExist", err)
	}
}
