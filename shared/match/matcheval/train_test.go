package matcheval_test

import (
	"testing"

	"github.com/intake-project/intake/shared/match"
	"github.com/intake-project/intake/shared/match/matcheval"
)

func TestRetrainingFromTheDataKeepsQuality(t *testing.T) {
	febrl := loadOrSkip(t, matcheval.FEBRL1)
	rl := loadOrSkip(t, matcheval.RLdata500)
	var candidates, random []match.Pattern
	for i, recs := range [][]matcheval.Record{febrl, rl} {
		c, r := matcheval.TrainingPairs(recs, matcheval.DefaultBlockCap, 50000, uint64(i+1))
		candidates = append(candidates, c...)
		random = append(random, r...)
	}
	rules, rep, err := match.Train(defaultMatcher(t).Rules(), candidates, random, match.TrainOptions{Version: "retrained"})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Converged {
		t.Errorf("EM did not converge: %+v", rep)
	}
	m, err := match.New(rules)
	if err != nil {
		t.Fatal(err)
	}
	met := matcheval.Evaluate(m, febrl)
	if met.Precision < 0.995 || met.F1 < 0.99 {
		t.Errorf("retrained rules: precision %.4f F1 %.4f", met.Precision, met.F1)
	}
}
