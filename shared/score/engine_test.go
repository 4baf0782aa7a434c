package score

import (
	"errors"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/intake-project/intake/shared/customer"
)

// workedExample is the worked example of docs/scoring.md.
func workedExample() Input {
	yes := true
	return Input{
		Kind:     customer.KindPerson,
		KYCGrade: true,
		Person: &customer.Person{
			Name: "李明", Gender: "male", Nationality: "CN", Occupation: "企业管理",
			Phones:     []string{"+8613912348888"},
			Address:    &customer.Address{Line1: "香山别墅 8 号", City: "北京"},
			Workplace:  &customer.Workplace{Name: "某某集团", Position: "总经理"},
			IDDocument: &customer.IDDocument{Type: customer.DocCNResidentID, Number: "11010519491231002X", ExpiresOn: "2026-03-01"},
		},
		IdentityVerified: true,
		Cards: []customer.CardInfo{{
			DiningTier: "luxury", Frequency: "weekly", Role: "host", SignsBill: &yes,
			PatronageReason: "loyal_customer", Spend: amount(6800), VisitedOn: "2026-03-08",
		}},
		Value:     []customer.ValueInfo{{Stage: "intends", Amount: amount(3000000), OccurredOn: "2026-03-10"}},
		Prospect:  &customer.Prospect{Budget: amount(2000000), Need: "a family villa"},
		Interests: []string{"private_banking"},
		History: []customer.HistoryEntry{
			{Channel: customer.ChannelCardScan, Amount: amount(6800), At: time.Date(2026, 3, 8, 20, 30, 0, 0, time.UTC)},
			{Channel: customer.ChannelWebForm, At: time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)},
		},
		Now: now,
	}
}

func TestWorkedExample(t *testing.T) {
	s := Default().Score(workedExample())
	if s.RulesVersion != "intake-default-1" || !s.ComputedAt.Equal(now) {
		t.Errorf("version %q at %v, want intake-default-1 at %v", s.RulesVersion, s.ComputedAt, now)
	}
	// Weighed: KYC person 31 + cards 19 = 50. Missing: birthDate 1 and emails 1; every optional
	// card field: six at 0.5 and specialDates 1 = 4. Present 50 - 2 - 4 = 44: 44 / 50 = 0.88.
	if c := s.Completeness; c.Ratio != 0.88 || !slices.Equal(c.Missing, []string{
		"card.assistants", "card.family", "card.friends", "card.habitualReceptionist", "card.seating",
		"card.specialDates", "card.suggestions", "person.birthDate", "person.emails",
	}) {
		t.Errorf("completeness = %v %v", c.Ratio, c.Missing)
	}
	// One visit (card and history entry are the same visit) of 6,800, 7 days ago; the intended
	// 3,000,000 is not spend. Spent, and a luxury weekly diner: C.
	if g := s.Grade; g.Grade != "C" || g.Recency != 7 || g.Frequency != 1 || g.Monetary != 6800 ||
		!slices.Equal(ruleNames(g.Reasons), []string{"grade.rfm", "grade.any_spend", "grade.premium_regular_diner"}) {
		t.Errorf("grade = %+v", g)
	}
	// Budget 2,000,000 ≥ 1,000,000; general manager; a stated need: M+A+N.
	if m := s.MAN; m == nil || m.Class != "M+A+N" || m.Action != "Ideal prospect; contact now." {
		t.Errorf("MAN = %+v", m)
	}
	// Verified, but expired 14 days ago: 4 points, high.
	if k := s.KYCRisk; k.Level != "high" || !slices.Equal(ruleNames(k.Reasons), []string{"kyc.document_expired", "kyc.level"}) ||
		k.Reasons[0].Inputs["expiredDaysAgo"] != "14" {
		t.Errorf("KYC risk = %+v", k)
	}
	want := []customer.VIPSignal{
		{Signal: SignalHighEndAddress, Evidence: map[string]string{"field": "person.address", "keyword": "别墅"}},
		{Signal: SignalQualityEmployer, Evidence: map[string]string{"field": "person.workplace.name", "keyword": "集团"}},
		{Signal: SignalDistinctivePhone, Evidence: map[string]string{"field": "person.phones", "pattern": "repeated_digit_tail", "length": "4"}},
		{Signal: SignalPremiumCard, Evidence: map[string]string{"field": "card.diningTier", "diningTier": "luxury"}},
		{Signal: SignalLargeAmount, Evidence: map[string]string{"field": "value.amount", "amountAtLeast": "1000000"}},
		{Signal: SignalPremiumEnquiry, Evidence: map[string]string{"interests": "private_banking"}},
	}
	if !slices.EqualFunc(s.VIPSignals, want, func(a, b customer.VIPSignal) bool {
		return a.Signal == b.Signal && maps.Equal(a.Evidence, b.Evidence)
	}) {
		t.Errorf("VIP signals = %v\nwant %v", s.VIPSignals, want)
	}
}

func TestNeedsRescore(t *testing.T) {
	e := Default()
	current := e.Score(Input{Now: now})
	text, _ := edited(t, `version: "intake-default-1"`, `version: "intake-default-2"`)
	r, err := Parse([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		engine *Engine
		scores *customer.Scores
		want   bool
	}{
		{"never scored", e, nil, true},
		{"scored under these rules", e, &current, false},
		{"scored under other rules", New(r), &current, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.engine.NeedsRescore(tt.scores); got != tt.want {
				t.Errorf("NeedsRescore = %v, want %v", got, tt.want)
			}
		})
	}
	if New(r).Version() != "intake-default-2" {
		t.Errorf("version = %q, want intake-default-2", New(r).Version())
	}
}

func FuzzParse(f *testing.F) {
	inputs := []Input{{Now: now}, workedExample(), {Kind: customer.KindOrganisation, KYCGrade: true, Now: now}}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Parse(data)
		if err != nil {
			var re *RulesError
			if !errors.As(err, &re) || !errors.Is(err, ErrInvalidRules) || len(re.Problems) == 0 {
				t.Fatalf("error %v is not a RulesError with problems", err)
			}
			for _, p := range re.Problems {
				if p.Line < 1 {
					t.Fatalf("problem without a line: %v", p)
				}
			}
			return
		}
		e := New(r)
		for _, in := range inputs {
			s := e.Score(in)
			if s.RulesVersion == "" || s.Grade == nil || s.Completeness == nil || s.KYCRisk == nil {
				t.Fatalf("incomplete scores %+v", s)
			}
			if !slices.Contains(gradeLetters, s.Grade.Grade) {
				t.Fatalf("grade %q", s.Grade.Grade)
			}
		}
	})
}
