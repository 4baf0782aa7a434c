package matcheval_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/match"
	"github.com/intake-project/intake/shared/match/matcheval"
)

// BenchmarkDecide measures one dedupe decision (keys, candidate lookup, comparison) against
// indexes of synthetic FEBRL-like customers. Half the queries are returning customers with a
// typo and a changed field, half are new people.
func BenchmarkDecide(b *testing.B) {
	recs := loadOrSkip(b, matcheval.FEBRL2)
	m, err := match.NewDefault()
	if err != nil {
		b.Fatal(err)
	}
	for _, size := range []int{1_000, 10_000, 100_000} {
		b.Run(fmt.Sprintf("customers=%d", size), func(b *testing.B) {
			syn := matcheval.NewSynthesizer(recs, 1)
			ix := matcheval.NewIndex(m)
			people := make([]customer.Submission, size)
			for i := range people {
				people[i] = syn.Person()
				ix.Add(people[i])
			}
			queries := make([]customer.Submission, 1024)
			origin := make([]string, len(queries))
			for i := range queries {
				if i%2 == 0 {
					at := (i * 7919) % size
					queries[i], origin[i] = syn.Perturb(people[at]), ix.ID(at)
				} else {
					queries[i] = syn.Person()
				}
			}
			candidates, returning, found, falseMerges := 0, 0, 0, 0
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				q := queries[i%len(queries)]
				cands := ix.Candidates(match.Keys(q))
				candidates += len(cands)
				res := m.Decide(q, cands)
				merged := res.Decision == customer.DecisionMatch
				switch {
				case origin[i%len(queries)] != "":
					returning++
					if merged && res.CustomerID == origin[i%len(queries)] {
						found++
					}
				case merged:
					falseMerges++
				}
				if merged && origin[i%len(queries)] != "" && res.CustomerID != origin[i%len(queries)] {
					falseMerges++
				}
			}
			b.ReportMetric(float64(candidates)/float64(b.N), "candidates/op")
			b.ReportMetric(float64(found)/float64(max(returning, 1)), "returning-matched")
			b.ReportMetric(float64(falseMerges)/float64(b.N), "false-merges/op")
			b.ReportMetric(float64(ix.Truncations), "truncations")
		})
	}
}

// BenchmarkEvaluateFEBRL2 files all of febrl_dataset2 one record at a time.
func BenchmarkEvaluateFEBRL2(b *testing.B) {
	recs := loadOrSkip(b, matcheval.FEBRL2)
	m, err := match.NewDefault()
	if err != nil {
		b.Fatal(err)
	}
	var met matcheval.Metrics
	for b.Loop() {
		met = matcheval.Evaluate(m, recs)
	}
	b.ReportMetric(met.Precision, "precision")
	b.ReportMetric(met.Recall, "recall")
	b.ReportMetric(met.F1, "F1")
}

func loadOrSkip(tb testing.TB, name string) []matcheval.Record {
	tb.Helper()
	wd, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	dir := matcheval.DataDir(wd)
	recs, err := matcheval.Load(dir, name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("dataset %s: %v", name, err)
		}
		tb.Skipf("dataset %s not available (set %s): %v", name, matcheval.DataDirEnv, err)
	}
	return recs
}
