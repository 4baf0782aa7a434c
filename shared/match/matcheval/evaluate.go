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
	for i, r := range recs {
		res, at := ix.File(r.Submission)
		met.Decisions[res.Decision]++
		met.MaxCandidates = max(met.MaxCandidates, res.Explanation.Candidates)
		filedOn[i] = at
	}
	met.Customers = ix.Len()
	met.Truncations = ix.Truncations
	entitySize := map[string]int{}
	type cell struct {
		customer int
		entity   string
	}
	customerSize := map[int]int{}
	cells := map[cell]int{}
	for i, r := range recs {
		entitySize[r.Entity]++
		customerSize[filedOn[i]]++
		cells[cell{filedOn[i], r.Entity}]++
	}
	pairs := func(n int) int { return n * (n - 1) / 2 }
	for _, n := range entitySize {
		met.TruePairs += pairs(n)
	}
	for _, n := range customerSize {
		met.PredictedPairs += pairs(n)
	}
	for _, n := range cells {
		met.CorrectPairs += pairs(n)
	}
	met.Precision = ratio(met.CorrectPairs, met.PredictedPairs)
	met.Recall = ratio(met.CorrectPairs, met.TruePairs)
	if met.Precision+met.Recall > 0 {
		met.F1 = 2 * met.Precision * met.Recall / (met.Precision + met.Recall)
	}
	return met
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}
