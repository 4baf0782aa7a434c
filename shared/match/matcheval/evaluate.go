package matcheval

import (
	"strconv"

	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/match"
)

// DefaultBlockCap bounds how many customers one key may bring in as candidates.
const DefaultBlockCap = 50

// Index is an in-memory customer file: customers with their attributes, and the lookup keys
// of every submission filed on them.
type Index struct {
	Matcher  *match.Matcher
	BlockCap int
	// Truncations counts keys whose block was larger than BlockCap when looked up.
	Truncations int

	customers []customer.Customer
	position  map[string]int
	blocks    map[match.KeyValue][]int
}

// NewIndex returns an empty index deciding with m.
func NewIndex(m *match.Matcher) *Index {
	return &Index{Matcher: m, BlockCap: DefaultBlockCap, position: map[string]int{}, blocks: map[match.KeyValue][]int{}}
}

// ID is the customer ID at a position returned by File or Add.
func (ix *Index) ID(at int) string { return ix.customers[at].ID }

// Len is the number of customers.
func (ix *Index) Len() int { return len(ix.customers) }

// Candidates gathers the customers sharing a key with the submission, at most BlockCap per
// key (the most recent ones).
func (ix *Index) Candidates(keys []match.KeyValue) []customer.Customer {
	seen := map[int]bool{}
	var out []customer.Customer
	for _, k := range keys {
		ids := ix.blocks[k]
		if len(ids) > ix.BlockCap {
			ix.Truncations++
			ids = ids[len(ids)-ix.BlockCap:]
		}
		for _, id := range ids {
			if !seen[id] {
				seen[id] = true
				out = append(out, ix.customers[id])
			}
		}
	}
	return out
}

// File decides on the submission and files it: merged into the chosen customer on MATCH, as
// a new customer otherwise (a POSSIBLE match waits for review). It returns the decision and
// the position of the customer the submission was filed on.
func (ix *Index) File(s customer.Submission) (match.Result, int) {
	keys := match.Keys(s)
	res := ix.Matcher.Decide(s, ix.Candidates(keys))
	at := -1
	if res.Decision == customer.DecisionMatch {
		at = ix.position[res.CustomerID]
	}
	return res, ix.add(s, keys, at)
}

// Add files the submission as a new customer without deciding, to build large indexes.
func (ix *Index) Add(s customer.Submission) int { return ix.add(s, match.Keys(s), -1) }

func (ix *Index) add(s customer.Submission, keys []match.KeyValue, at int) int {
	if at < 0 {
		at = len(ix.customers)
		ix.customers = append(ix.customers, customer.Customer{ID: customerID(at), Kind: s.Kind})
		ix.position[customerID(at)] = at
	}
	c := &ix.customers[at]
	c.Attributes = append(c.Attributes, match.Attributes(s, customer.Provenance{Channel: s.Channel, SubmissionID: s.SourceRef})...)
	c.Submissions = append(c.Submissions, s.SourceRef)
	for _, k := range keys {
		ids := ix.blocks[k]
		if n := len(ids); n == 0 || ids[n-1] != at {
			ix.blocks[k] = append(ids, at)
		}
	}
	return at
}

func customerID(i int) string { return "C" + strconv.Itoa(i) }

// Metrics are the pairwise quality of a run: a pair is two records filed on one customer.
type Metrics struct {
	Records        int
	Customers      int
	TruePairs      int
	PredictedPairs int
	CorrectPairs   int
	Precision      float64
	Recall         float64
	F1             float64
	Decisions      map[customer.Decision]int
	// PossibleTrue counts the POSSIBLE decisions whose candidate holds a record of the same
	// person: the review items that should be merged. ReviewedF1 is the F1 reached when every
	// review item is decided correctly (those merged, the others kept apart).
	PossibleTrue int
	ReviewedF1   float64
	// MaxCandidates is the most candidates one decision compared; Truncations counts capped
	// blocks.
	MaxCandidates int
	Truncations   int
}

// Evaluate files the records one at a time, in order, and scores the resulting customers
// against the truth.
func Evaluate(m *match.Matcher, recs []Record) Metrics {
	ix := NewIndex(m)
	met := Metrics{Records: len(recs), Decisions: map[customer.Decision]int{}}
	filedOn := make([]int, len(recs))
	entitiesOn := map[int]map[string]bool{}
	// merged links each record to the customer it would join if the review items holding a
	// true pair were merged.
	reviewed := newUnion(len(recs))
	firstOn := map[int]int{}
	for i, r := range recs {
		res, at := ix.File(r.Submission)
		met.Decisions[res.Decision]++
		met.MaxCandidates = max(met.MaxCandidates, res.Explanation.Candidates)
		if res.Decision == customer.DecisionPossible {
			if cand, ok := ix.position[res.CustomerID]; ok && entitiesOn[cand][r.Entity] {
				met.PossibleTrue++
				reviewed.join(i, firstOn[cand])
			}
		}
		filedOn[i] = at
		if entitiesOn[at] == nil {
			entitiesOn[at] = map[string]bool{}
			firstOn[at] = i
		}
		entitiesOn[at][r.Entity] = true
		reviewed.join(i, firstOn[at])
	}
	met.Customers = ix.Len()
	met.Truncations = ix.Truncations
	met.TruePairs, met.PredictedPairs, met.CorrectPairs = pairCounts(recs, func(i int) int { return filedOn[i] })
	met.Precision = ratio(met.CorrectPairs, met.PredictedPairs)
	met.Recall = ratio(met.CorrectPairs, met.TruePairs)
	met.F1 = f1(met.Precision, met.Recall)
	_, predicted, correct := pairCounts(recs, reviewed.find)
	met.ReviewedF1 = f1(ratio(correct, predicted), ratio(correct, met.TruePairs))
	return met
}

// pairCounts counts the true pairs, the pairs of records placed together by group, and the
// correct ones among them.
func pairCounts(recs []Record, group func(i int) int) (truePairs, predicted, correct int) {
	entitySize := map[string]int{}
	type cell struct {
		group  int
		entity string
	}
	groupSize := map[int]int{}
	cells := map[cell]int{}
	for i, r := range recs {
		g := group(i)
		entitySize[r.Entity]++
		groupSize[g]++
		cells[cell{g, r.Entity}]++
	}
	pairs := func(n int) int { return n * (n - 1) / 2 }
	for _, n := range entitySize {
		truePairs += pairs(n)
	}
	for _, n := range groupSize {
		predicted += pairs(n)
	}
	for _, n := range cells {
		correct += pairs(n)
	}
	return truePairs, predicted, correct
}

func f1(precision, recall float64) float64 {
	if precision+recall == 0 {
		return 0
	}
	return 2 * precision * recall / (precision + recall)
}

// union is a disjoint-set forest over record positions.
type union []int

func newUnion(n int) union {
	u := make(union, n)
	for i := range u {
		u[i] = i
	}
	return u
}

func (u union) find(i int) int {
	for u[i] != i {
		u[i] = u[u[i]]
		i = u[i]
	}
	return i
}

func (u union) join(a, b int) { u[u.find(a)] = u.find(b) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}
