package score

import (
	"slices"
	"strconv"
	"time"

	"github.com/intake-project/intake/shared/customer"
)

// rfm is what the system knows of a customer's value.
type rfm struct {
	// recency is the number of days from the latest dated visit or purchase to now; -1 when
	// none is dated.
	recency   int
	frequency int
	monetary  float64
	// spend is the recorded spend; purchaseTotal the largest cumulative total a sender gave.
	spend, purchaseTotal float64
	influences, stages   []string
	// diningTier and cardFrequency are the latest values the card scans recorded.
	diningTier, cardFrequency string
}

// civilDay numbers calendar days, so that recency counts dates, not 24-hour periods.
func civilDay(y int, m time.Month, d int) int {
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

func dayOf(t time.Time) int { return civilDay(t.Date()) }

func parseDay(s string) (int, bool) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return 0, false
	}
	return dayOf(t), true
}

func addUnique(list []string, v string) []string {
	if v == "" || slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}

// measure gathers the RFM inputs. The same visit or purchase can reach the engine twice: once
// as a card or value block and once as the history entry of the submission that carried it. The
// two sources are therefore not added together: frequency and spend take the larger of the two
// counts, so that either source alone gives the right figure and both together do not double it.
func measure(in *Input) rfm {
	now := dayOf(in.Now)
	latest, dated := 0, false
	seen := func(day int) {
		if !dated || day > latest {
			latest, dated = day, true
		}
	}
	var m rfm
	blocks, blockSpend := 0, 0.0
	for _, c := range in.Cards {
		blocks++
		if c.Spend != nil {
			blockSpend += *c.Spend
		}
		if d, ok := parseDay(c.VisitedOn); ok {
			seen(d)
		}
		if c.DiningTier != "" {
			m.diningTier = c.DiningTier
		}
		if c.Frequency != "" {
			m.cardFrequency = c.Frequency
		}
	}
	for _, v := range in.Value {
		m.influences = addUnique(m.influences, v.Influence)
		m.stages = addUnique(m.stages, v.Stage)
		if v.PurchaseTotal != nil {
			m.purchaseTotal = max(m.purchaseTotal, *v.PurchaseTotal)
		}
		// An amount at the intends, event or enquiry stage is what the customer asked about,
		// not what they spent.
		if v.Stage != "purchased" && (v.Stage != "" || v.Amount == nil) {
			continue
		}
		blocks++
		if v.Amount != nil {
			blockSpend += *v.Amount
		}
		if d, ok := parseDay(v.OccurredOn); ok {
			seen(d)
		}
	}
	entries, historySpend := 0, 0.0
	for _, h := range in.History {
		if h.Amount == nil && h.Channel != customer.ChannelCardScan {
			continue
		}
		entries++
		if h.Amount != nil {
			historySpend += *h.Amount
		}
		seen(dayOf(h.At.In(in.Now.Location())))
	}
	m.frequency = max(blocks, entries)
	m.spend = max(blockSpend, historySpend)
	m.monetary = max(m.spend, m.purchaseTotal)
	m.recency = -1
	if dated {
		m.recency = max(now-latest, 0)
	}
	return m
}

// grade is the highest grade one of whose conditions holds.
func (e *Engine) grade(in *Input) *customer.GradeScore {
	m := measure(in)
	g := &customer.GradeScore{Recency: m.recency, Frequency: m.frequency, Monetary: m.monetary}
	g.Reasons = append(g.Reasons, customer.Reason{
		Rule: "grade.rfm",
		Inputs: map[string]string{
			"recencyDays": strconv.Itoa(m.recency), "frequency": strconv.Itoa(m.frequency),
			"recordedSpend": num(m.spend), "purchaseTotal": num(m.purchaseTotal), "monetary": num(m.monetary),
		},
		Effect: "monetary is the larger of recorded spend and the purchase total",
	})
	for _, level := range e.r.f.Grade.Grades {
		var fired []customer.Reason
		for i := range level.When {
			if inputs, ok := level.When[i].holds(&m); ok {
				fired = append(fired, customer.Reason{Rule: "grade." + level.When[i].ID, Inputs: inputs, Effect: "grade " + level.Grade})
			}
		}
		if len(level.When) == 0 {
			fired = append(fired, customer.Reason{Rule: "grade.fallback", Effect: "grade " + level.Grade + ": no higher grade applies"})
		}
		if len(fired) > 0 {
			g.Grade = level.Grade
			g.Reasons = append(g.Reasons, fired...)
			return g
		}
	}
	return g
}

// holds reports whether every criterion of the condition is met, and the inputs that met them.
func (w *gradeCondition) holds(m *rfm) (map[string]string, bool) {
	inputs := make(map[string]string)
	if w.MonetaryAtLeast != nil {
		if m.monetary < *w.MonetaryAtLeast {
			return nil, false
		}
		inputs["monetary"], inputs["monetaryAtLeast"] = num(m.monetary), num(*w.MonetaryAtLeast)
	}
	if w.AnySpend != nil {
		if m.monetary <= 0 {
			return nil, false
		}
		inputs["monetary"] = num(m.monetary)
	}
	if w.FrequencyAtLeast != nil {
		if m.frequency < *w.FrequencyAtLeast {
			return nil, false
		}
		inputs["frequency"], inputs["frequencyAtLeast"] = strconv.Itoa(m.frequency), strconv.Itoa(*w.FrequencyAtLeast)
	}
	if w.RecencyWithinDays != nil {
		if m.recency < 0 || m.recency > *w.RecencyWithinDays {
			return nil, false
		}
		inputs["recencyDays"], inputs["recencyWithinDays"] = strconv.Itoa(m.recency), strconv.Itoa(*w.RecencyWithinDays)
	}
	for _, c := range []struct {
		key    string
		want   []string
		values []string
	}{
		{"influence", w.Influence, m.influences},
		{"stage", w.Stage, m.stages},
		{"diningTier", w.DiningTier, []string{m.diningTier}},
		{"cardFrequency", w.CardFrequency, []string{m.cardFrequency}},
	} {
		if len(c.want) == 0 {
			continue
		}
		i := slices.IndexFunc(c.values, func(v string) bool { return v != "" && slices.Contains(c.want, v) })
		if i < 0 {
			return nil, false
		}
		inputs[c.key] = c.values[i]
	}
	return inputs, true
}
