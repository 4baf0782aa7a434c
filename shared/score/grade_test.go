package score

import (
	"slices"
	"testing"
	"time"

	"github.com/intake-project/intake/shared/customer"
)

func amount(v float64) *float64 { return &v }

// now is Sunday 15 March 2026, noon UTC; 2026 is not a leap year.
var now = time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC)

func TestGrade(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	tests := []struct {
		name      string
		in        Input
		grade     string
		recency   int
		frequency int
		monetary  float64
		fired     []string
	}{
		{
			name: "nothing known is grade E", in: Input{Now: now},
			grade: "E", recency: -1, frequency: 0, monetary: 0,
			fired: []string{"grade.rfm", "grade.fallback"},
		},
		{
			name: "one card at standard tier, occasional, no spend",
			in:   Input{Now: now, Cards: []customer.CardInfo{{DiningTier: "standard", Frequency: "occasional", VisitedOn: "2026-03-01"}}},
			// 1 March to 15 March: 14 days; one visit; nothing spent.
			grade: "E", recency: 14, frequency: 1, monetary: 0,
			fired: []string{"grade.rfm", "grade.fallback"},
		},
		{
			name:  "a regular diner is D",
			in:    Input{Now: now, Cards: []customer.CardInfo{{DiningTier: "business", Frequency: "monthly"}}},
			grade: "D", recency: -1, frequency: 1, monetary: 0,
			fired: []string{"grade.rfm", "grade.regular_diner"},
		},
		{
			name: "a premium weekly diner who spent is C by two rules",
			in: Input{Now: now, Cards: []customer.CardInfo{
				{DiningTier: "business", Frequency: "monthly", Spend: amount(1200), VisitedOn: "2026-01-10"},
				{DiningTier: "luxury", Frequency: "weekly", Spend: amount(3000), VisitedOn: "2026-03-08"},
			}},
			// latest tier luxury, frequency weekly; spend 1200 + 3000 = 4200; 8 March to 15 March: 7 days.
			grade: "C", recency: 7, frequency: 2, monetary: 4200,
			fired: []string{"grade.rfm", "grade.any_spend", "grade.premium_regular_diner"},
		},
		{
			name: "a premium weekly diner with no spend recorded is lifted to C",
			in:   Input{Now: now, Cards: []customer.CardInfo{{DiningTier: "premium", Frequency: "several_weekly"}}},
			// the lift applies although monetary is 0
			grade: "C", recency: -1, frequency: 1, monetary: 0,
			fired: []string{"grade.rfm", "grade.premium_regular_diner"},
		},
		{
			name: "a card scan also in the history is counted once",
			in: Input{Now: now,
				Cards:   []customer.CardInfo{{Spend: amount(1000), VisitedOn: "2026-03-10"}},
				History: []customer.HistoryEntry{{Channel: customer.ChannelCardScan, Amount: amount(1000), At: time.Date(2026, 3, 10, 19, 0, 0, 0, time.UTC)}},
			},
			// frequency max(1 card, 1 entry) = 1; spend max(1000, 1000) = 1000; 10 to 15 March: 5 days.
			grade: "C", recency: 5, frequency: 1, monetary: 1000,
			fired: []string{"grade.rfm", "grade.any_spend"},
		},
		{
			name: "history alone: entries without an amount are not visits unless card scans",
			in: Input{Now: now, History: []customer.HistoryEntry{
				{Channel: customer.ChannelWebForm, Amount: amount(2000000), At: time.Date(2025, 12, 15, 9, 0, 0, 0, time.UTC)},
				{Channel: customer.ChannelStaffEntry, At: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)},
			}},
			// one counted entry of 2,000,000; 15 Dec to 15 Mar: 16 + 31 + 28 + 15 = 90 days.
			grade: "C", recency: 90, frequency: 1, monetary: 2000000,
			fired: []string{"grade.rfm", "grade.any_spend"},
		},
		{
			name: "purchases adding up to 8 million are B",
			in: Input{Now: now, Value: []customer.ValueInfo{
				{Stage: "purchased", Amount: amount(5000000), OccurredOn: "2025-03-15"},
				{Stage: "purchased", Amount: amount(3000000), OccurredOn: "2026-01-14"},
			}},
			// 5,000,000 + 3,000,000 = 8,000,000 ≥ 8,000,000; 14 Jan to 15 Mar: 17 + 28 + 15 = 60 days.
			grade: "B", recency: 60, frequency: 2, monetary: 8000000,
			fired: []string{"grade.rfm", "grade.cumulative_8m"},
		},
		{
			name: "a purchase total beyond recorded spend sets monetary: A",
			in: Input{Now: now, Value: []customer.ValueInfo{
				{Amount: amount(700000), OccurredOn: "2026-03-15"},
				{PurchaseTotal: amount(30000000)},
				{PurchaseTotal: amount(60000000)},
			}},
			// an amount with no stage is spend: 700,000 on 15 March (0 days); the largest total
			// 60,000,000 > 700,000 is monetary; ≥ 50,000,000.
			grade: "A", recency: 0, frequency: 1, monetary: 60000000,
			fired: []string{"grade.rfm", "grade.cumulative_50m"},
		},
		{
			name:  "major influence is A with nothing spent",
			in:    Input{Now: now, Value: []customer.ValueInfo{{Influence: "major"}}},
			grade: "A", recency: -1, frequency: 0, monetary: 0,
			fired: []string{"grade.rfm", "grade.major_influence"},
		},
		{
			name:  "an important figure is B",
			in:    Input{Now: now, Value: []customer.ValueInfo{{Influence: "important", Stage: "enquiry"}}},
			grade: "B", recency: -1, frequency: 0, monetary: 0,
			fired: []string{"grade.rfm", "grade.important_figure"},
		},
		{
			name: "an amount at the intends stage is not spend: D",
			in:   Input{Now: now, Value: []customer.ValueInfo{{Stage: "intends", Amount: amount(9000000), OccurredOn: "2026-03-01"}}},
			// not a purchase: no frequency, no recency, monetary 0
			grade: "D", recency: -1, frequency: 0, monetary: 0,
			fired: []string{"grade.rfm", "grade.intends_or_event"},
		},
		{
			name:  "a purchase stage without an amount is C",
			in:    Input{Now: now, Value: []customer.ValueInfo{{Stage: "enquiry"}, {Stage: "purchased", OccurredOn: "2026-02-15"}}},
			grade: "C", recency: 28, frequency: 1, monetary: 0, // 15 Feb to 15 Mar: 28 days
			fired: []string{"grade.rfm", "grade.purchased"},
		},
		{
			name:  "enquiry only is E",
			in:    Input{Now: now, Value: []customer.ValueInfo{{Stage: "enquiry", Amount: amount(50)}}},
			grade: "E", recency: -1, frequency: 0, monetary: 0,
			fired: []string{"grade.rfm", "grade.fallback"},
		},
		{
			name: "recency counts calendar days where now is",
			in: Input{
				// 01:00 on 15 March in UTC+8; the visit was 23:00 on 14 March there (15:00 UTC).
				Now:     time.Date(2026, 3, 15, 1, 0, 0, 0, shanghai),
				History: []customer.HistoryEntry{{Channel: customer.ChannelCardScan, At: time.Date(2026, 3, 14, 15, 0, 0, 0, time.UTC)}},
			},
			grade: "E", recency: 1, frequency: 1, monetary: 0,
			fired: []string{"grade.rfm", "grade.fallback"},
		},
		{
			name:  "a visit dated after now counts as today",
			in:    Input{Now: now, Cards: []customer.CardInfo{{VisitedOn: "2026-03-20"}}},
			grade: "E", recency: 0, frequency: 1, monetary: 0,
			fired: []string{"grade.rfm", "grade.fallback"},
		},
	}
	e := Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := e.grade(&tt.in)
			if g.Grade != tt.grade || g.Recency != tt.recency || g.Frequency != tt.frequency || g.Monetary != tt.monetary {
				t.Errorf("grade %s R=%d F=%d M=%v, want %s R=%d F=%d M=%v",
					g.Grade, g.Recency, g.Frequency, g.Monetary, tt.grade, tt.recency, tt.frequency, tt.monetary)
			}
			if rules := ruleNames(g.Reasons); !slices.Equal(rules, tt.fired) {
				t.Errorf("reasons = %v, want %v", rules, tt.fired)
			}
		})
	}
}

func TestGradeReasonsCarryTheirInputs(t *testing.T) {
	in := Input{Now: now, Cards: []customer.CardInfo{{DiningTier: "luxury", Frequency: "weekly"}}}
	g := Default().grade(&in)
	r := g.Reasons[1]
	if r.Rule != "grade.premium_regular_diner" || r.Inputs["diningTier"] != "luxury" || r.Inputs["cardFrequency"] != "weekly" || r.Effect != "grade C" {
		t.Errorf("reason = %+v, want premium_regular_diner with luxury, weekly, grade C", r)
	}
	rfm := g.Reasons[0].Inputs
	if rfm["recencyDays"] != "-1" || rfm["frequency"] != "1" || rfm["monetary"] != "0" {
		t.Errorf("rfm inputs = %v", rfm)
	}
}

// The restaurant rules (rules-restaurant.yaml) grade by recent frequency and smaller amounts.
func TestRestaurantGrades(t *testing.T) {
	r, err := Load("rules-restaurant.yaml")
	if err != nil {
		t.Fatal(err)
	}
	e := New(r)
	visits := func(n int, spend float64, last string) []customer.CardInfo {
		cards := make([]customer.CardInfo, n)
		for i := range cards {
			cards[i] = customer.CardInfo{Spend: amount(spend), VisitedOn: "2025-01-01"}
		}
		cards[n-1].VisitedOn = last
		return cards
	}
	tests := []struct {
		name  string
		cards []customer.CardInfo
		grade string
		rule  string
	}{
		// 48 × 800 = 38,400 < 100,000, but 48 visits, the last 5 days ago (within 30)
		{"weekly regular", visits(48, 800, "2026-03-10"), "A", "grade.weekly_regular"},
		// 12 × 9,000 = 108,000 ≥ 100,000
		{"big spender", visits(12, 9000, "2025-06-01"), "B", "grade.cumulative_100k"},
		// 12 × 500 = 6,000; 12 visits, last 14 days ago (within 60)
		{"frequent regular", visits(12, 500, "2026-03-01"), "B", "grade.frequent_regular"},
		// 2 × 500; last visit 2 March 2025: 378 days ago, beyond 365
		{"lapsed diner", visits(2, 500, "2025-03-02"), "D", "grade.lapsed_spend"},
		// 2 × 500; last 16 March 2025: 364 days ago
		{"recent diner", visits(2, 500, "2025-03-16"), "C", "grade.recent_spend"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := e.Score(Input{Now: now, Cards: tt.cards}).Grade
			if g.Grade != tt.grade || !slices.Contains(ruleNames(g.Reasons), tt.rule) {
				t.Errorf("grade %s by %v, want %s by %s", g.Grade, ruleNames(g.Reasons), tt.grade, tt.rule)
			}
		})
	}
}
