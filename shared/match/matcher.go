package match

import (
	"fmt"
	"math"

	"github.com/intake-project/intake/shared/customer"
)

// Matcher decides, for one submission at a time, whether it describes a customer on file.
type Matcher struct {
	rules   *Rules
	weights [][]float64 // per comparator, per level: log2(m/u)
}

// New builds a matcher from checked rules.
func New(r *Rules) (*Matcher, error) {
	byName := map[string]FieldRule{}
	for _, f := range r.Fields {
		byName[f.Name] = f
	}
	m := &Matcher{rules: r, weights: make([][]float64, len(comparators))}
	for i, c := range comparators {
		f, ok := byName[c.field]
		if !ok || len(f.M) != c.levels || len(f.U) != c.levels {
			return nil, fmt.Errorf("new matcher: %w", &RulesError{Msg: fmt.Sprintf("field %q is missing or malformed", c.field)})
		}
		m.weights[i] = make([]float64, c.levels)
		for l := range c.levels {
			m.weights[i][l] = math.Log2(f.M[l] / f.U[l])
		}
	}
	return m, nil
}

// NewDefault builds a matcher from the rules shipped with the package.
func NewDefault() (*Matcher, error) {
	r, err := DefaultRules()
	if err != nil {
		return nil, fmt.Errorf("default rules: %w", err)
	}
	return New(r)
}

// Rules returns the rules the matcher applies.
func (m *Matcher) Rules() *Rules { return m.rules }

// Result is the dedupe verdict: the decision, the best-scoring candidate (also when the
// decision is POSSIBLE or NEW; empty when there was none), and why.
type Result struct {
	Decision    customer.Decision
	CustomerID  string
	Explanation customer.Explanation
}

// Explanation notes.
const (
	NoteNoCandidates = "no candidate"
	NoteVeto         = "conflicting resident ID numbers: not merged"
	NoteNameOnly     = "only the name agrees: not merged"
	NoteAddressOnly  = "the match rests on the address: not merged"
)

// Decide compares the submission with every candidate of the same kind, over every value each
// candidate has had, and decides on the best one: MATCH at or above the match threshold unless
// a conflicting resident ID vetoes it, POSSIBLE at or above the possible threshold, otherwise
// NEW. Names alone never merge: at least one other field must add evidence for the match,
// because many people share a name; nor does an address, which a family shares: the fields
// other than the address must bring at least the identity threshold.
func (m *Matcher) Decide(s customer.Submission, candidates []customer.Customer) Result {
	sp := submissionProfile(s)
	exp := customer.Explanation{
		RulesVersion: m.rules.Version,
		Upper:        m.rules.Thresholds.Match,
		Lower:        m.rules.Thresholds.Possible,
		Total:        math.Inf(-1),
	}
	var bestID string
	bestVeto, bestCorroborated, bestIdentity := false, false, 0.0
	for _, c := range candidates {
		if c.Kind != "" && s.Kind != "" && c.Kind != s.Kind {
			continue
		}
		exp.Candidates++
		cp := customerProfile(c)
		total, fields := m.score(sp, cp)
		if total > exp.Total {
			exp.Total, exp.Fields, exp.CandidateID = total, fields, c.ID
			bestID, bestVeto, bestCorroborated = c.ID, vetoed(sp, cp), corroborated(fields)
			bestIdentity = identityWeight(fields)
		}
	}
	res := Result{Decision: customer.DecisionNew, CustomerID: bestID}
	switch {
	case exp.Candidates == 0:
		exp.Total = 0
		exp.Note = NoteNoCandidates
	case exp.Total >= exp.Upper && bestVeto:
		res.Decision = customer.DecisionPossible
		exp.Note = NoteVeto
	case exp.Total >= exp.Upper && !bestCorroborated:
		res.Decision = customer.DecisionPossible
		exp.Note = NoteNameOnly
	case exp.Total >= exp.Upper && bestIdentity < m.rules.Thresholds.Identity:
		res.Decision = customer.DecisionPossible
		exp.Note = NoteAddressOnly
	case exp.Total >= exp.Upper:
		res.Decision = customer.DecisionMatch
	case exp.Total >= exp.Lower:
		res.Decision = customer.DecisionPossible
	}
	res.Explanation = exp
	return res
}

func (m *Matcher) score(a, b *profile) (float64, []customer.Comparison) {
	total := 0.0
	var fields []customer.Comparison
	for i, c := range comparators {
		o := c.compare(a, b)
		if o.level < 0 {
			continue
		}
		w := m.weights[i][o.level]
		total += w
		fields = append(fields, customer.Comparison{
			Field:      c.field,
			Similarity: math.Round(o.sim*1000) / 1000,
			Weight:     math.Round(w*100) / 100,
			Outcome:    outcomeName(o.level, c.levels),
		})
	}
	return total, fields
}

// corroborated reports whether a field other than the name parts speaks for the match.
func corroborated(fields []customer.Comparison) bool {
	for _, f := range fields {
		if f.Field != FieldFamilyName && f.Field != FieldGivenName && f.Weight > 0 {
			return true
		}
	}
	return false
}

// identityWeight sums the weights of the fields that are not part of the address.
func identityWeight(fields []customer.Comparison) float64 {
	w := 0.0
	for _, f := range fields {
		if f.Field != FieldStreet && f.Field != FieldLine2 && f.Field != FieldLocality {
			w += f.Weight
		}
	}
	return w
}

func outcomeName(level, levels int) string {
	switch level {
	case 0:
		return "agree"
	case levels - 1:
		return "disagree"
	}
	return "partial"
}

// Pattern is the agreement level of each compared field for one pair, in the order of
// FieldNames; -1 where a side has no value.
type Pattern []int8

// FieldNames lists the compared fields in pattern order, with their number of levels.
func FieldNames() (names []string, levels []int) {
	for _, c := range comparators {
		names = append(names, c.field)
		levels = append(levels, c.levels)
	}
	return names, levels
}

// Compare returns the agreement pattern of a submission against a customer, the input of
// training.
func Compare(s customer.Submission, c customer.Customer) Pattern {
	a, b := submissionProfile(s), customerProfile(c)
	p := make(Pattern, len(comparators))
	for i, cmp := range comparators {
		p[i] = int8(cmp.compare(a, b).level)
	}
	return p
}
