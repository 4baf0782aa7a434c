package matcheval

import (
	"math/rand/v2"

	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/match"
)

// TrainingPairs builds the inputs of match.Train from records without using their truth: the
// agreement patterns of every pair of records that share a lookup key (each block capped at
// blockCap records), and of randomPairs pairs drawn at random with the given seed.
func TrainingPairs(recs []Record, blockCap, randomPairs int, seed uint64) (candidates, random []match.Pattern) {
	singles := make([]customer.Customer, len(recs))
	blocks := map[match.KeyValue][]int{}
	for i, r := range recs {
		singles[i] = customer.Customer{
			ID:         r.Submission.SourceRef,
			Kind:       r.Submission.Kind,
			Attributes: match.Attributes(r.Submission, customer.Provenance{SubmissionID: r.Submission.SourceRef}),
		}
		for _, k := range match.Keys(r.Submission) {
			blocks[k] = append(blocks[k], i)
		}
	}
	type pair struct{ a, b int }
	seen := map[pair]bool{}
	for _, ids := range blocks {
		if len(ids) > blockCap {
			continue
		}
		for x := 0; x < len(ids); x++ {
			for y := x + 1; y < len(ids); y++ {
				p := pair{ids[x], ids[y]}
				if !seen[p] {
					seen[p] = true
					candidates = append(candidates, match.Compare(recs[p.a].Submission, singles[p.b]))
				}
			}
		}
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	for len(random) < randomPairs && len(recs) > 1 {
		a, b := rng.IntN(len(recs)), rng.IntN(len(recs))
		if a != b {
			random = append(random, match.Compare(recs[a].Submission, singles[b]))
		}
	}
	return candidates, random
}

// PairCompleteness counts the true duplicate pairs and how many of them share at least one
// lookup key, the upper bound blocking puts on recall.
func PairCompleteness(recs []Record) (sharing, total int) {
	keys := make([]map[match.KeyValue]bool, len(recs))
	byEntity := map[string][]int{}
	for i, r := range recs {
		keys[i] = map[match.KeyValue]bool{}
		for _, k := range match.Keys(r.Submission) {
			keys[i][k] = true
		}
		byEntity[r.Entity] = append(byEntity[r.Entity], i)
	}
	for _, ids := range byEntity {
		for x := 0; x < len(ids); x++ {
			for y := x + 1; y < len(ids); y++ {
				total++
				for k := range keys[ids[x]] {
					if keys[ids[y]][k] {
						sharing++
						break
					}
				}
			}
		}
	}
	return sharing, total
}
