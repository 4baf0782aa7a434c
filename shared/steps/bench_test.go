package steps_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/lookupkey"
	"github.com/intake-project/intake/shared/match"
	"github.com/intake-project/intake/shared/match/matcheval"
	"github.com/intake-project/intake/shared/score"
	"github.com/intake-project/intake/shared/steps"
	"github.com/intake-project/intake/shared/store"
	"github.com/intake-project/intake/shared/store/embedded"
)

// BenchmarkSubmissionAtScale measures one submission through every step (validate, dedupe,
// score, file) on the embedded store as the customers on file grow from 1,000 to 100,000:
// the candidate look-ups are key reads, so the time should not grow with the file. The
// customers are synthetic FEBRL-like people; half the measured submissions are returning
// customers with a typo and one field changed or dropped, half are new people.
func BenchmarkSubmissionAtScale(b *testing.B) {
	wd, err := os.Getwd()
	if err != nil {
		b.Fatal(err)
	}
	recs, err := matcheval.Load(matcheval.DataDir(wd), matcheval.FEBRL2)
	if err != nil {
		b.Skipf("dataset not available (set %s): %v", matcheval.DataDirEnv, err)
	}
	st, err := embedded.Open(filepath.Join(b.TempDir(), "intake.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	keys, _ := lookupkey.New(bytes.Repeat([]byte{7}, 32))
	m, err := match.NewDefault()
	if err != nil {
		b.Fatal(err)
	}
	s, err := steps.New(steps.Deps{Store: st, Keys: keys, Matcher: m, Scorer: score.Default(), Clock: func() time.Time { return now }})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	syn := matcheval.NewSynthesizer(recs, 1)
	var people []customer.Submission
	var customerOf []string
	seq := 0
	submit := func(b *testing.B, payload customer.Submission) steps.Result {
		seq++
		id := fmt.Sprintf("s%07d", seq)
		if _, _, err := st.CreateSubmission(ctx, store.Submission{ID: id, Status: store.StatusReceived, ReceivedAt: now, UpdatedAt: now, Payload: &payload}); err != nil {
			b.Fatal(err)
		}
		r, err := runSteps(ctx, s, id)
		if err != nil {
			b.Fatal(err)
		}
		return r
	}
	for _, size := range []int{1_000, 10_000, 100_000} {
		b.Run(fmt.Sprintf("customers=%d", size), func(b *testing.B) {
			for len(people) < size {
				p := syn.Person()
				r := submit(b, p)
				if r.Decision != customer.DecisionNew {
					// A synthetic person close enough to someone on file: keep the file to
					// distinct customers.
					continue
				}
				people = append(people, p)
				customerOf = append(customerOf, r.CustomerID)
			}
			returning, found, falseMerges, candidates := 0, 0, 0, 0
			for i := 0; b.Loop(); i++ {
				q, origin := syn.Person(), ""
				if i%2 == 0 {
					at := (i * 7919) % size
					q, origin = syn.Perturb(people[at]), customerOf[at]
					returning++
				}
				r := submit(b, q)
				sub, err := st.GetSubmission(ctx, r.SubmissionID)
				if err != nil {
					b.Fatal(err)
				}
				if sub.Outcome != nil && sub.Outcome.Explanation != nil {
					candidates += sub.Outcome.Explanation.Candidates
				}
				merged := r.Decision == customer.DecisionMatch
				switch {
				case merged && r.CustomerID == origin:
					found++
				case merged:
					falseMerges++
				}
			}
			b.ReportMetric(float64(candidates)/float64(b.N), "candidates/op")
			b.ReportMetric(float64(found)/float64(max(returning, 1)), "returning-matched")
			b.ReportMetric(float64(falseMerges), "false-merges")
		})
	}
}
