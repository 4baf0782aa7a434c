package match

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// simulate draws agreement patterns from a known model: a share of matches, and per field the
// level probabilities among matches (m) and non-matches (u).
func simulate(rng *rand.Rand, n int, share float64, m, u [][]float64) []Pattern {
	draw := func(p []float64) int8 {
		x := rng.Float64()
		for l, q := range p {
			if x < q {
				return int8(l)
			}
			x -= q
		}
		return int8(len(p) - 1)
	}
	names, _ := FieldNames()
	out := make([]Pattern, n)
	for i := range out {
		p := make(Pattern, len(names))
		for f := range p {
			p[f] = -1
		}
		isMatch := rng.Float64() < share
		for f := range m {
			if isMatch {
				p[f] = draw(m[f])
			} else {
				p[f] = draw(u[f])
			}
		}
		out[i] = p
	}
	return out
}

func TestTrainRecoversAKnownModel(t *testing.T) {
	// The first three compared fields: family name, given name, birth date (four levels each).
	m := [][]float64{{0.8, 0.1, 0.05, 0.05}, {0.7, 0.15, 0.1, 0.05}, {0.85, 0.1, 0.03, 0.02}}
	u := [][]float64{{0.01, 0.02, 0.07, 0.9}, {0.02, 0.03, 0.05, 0.9}, {0.001, 0.01, 0.04, 0.949}}
	rng := rand.New(rand.NewPCG(7, 11))
	candidates := simulate(rng, 40000, 0.3, m, u)
	random := simulate(rng, 200000, 0, m, u)
	base, err := DefaultRules()
	if err != nil {
		t.Fatal(err)
	}
	got, rep, err := Train(base, candidates, random, TrainOptions{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Converged || math.Abs(rep.Prior-0.3) > 0.02 {
		t.Errorf("report %+v, want convergence and a match share near 0.3", rep)
	}
	for f := range m {
		for l := range m[f] {
			if d := math.Abs(got.Fields[f].M[l] - m[f][l]); d > 0.03 {
				t.Errorf("%s m[%d] = %.3f, want %.3f", got.Fields[f].Name, l, got.Fields[f].M[l], m[f][l])
			}
			if d := math.Abs(got.Fields[f].U[l] - u[f][l]); d > 0.01 {
				t.Errorf("%s u[%d] = %.3f, want %.3f", got.Fields[f].Name, l, got.Fields[f].U[l], u[f][l])
			}
		}
	}
	if got.Version != "test" || got.Thresholds != base.Thresholds {
		t.Errorf("version %q thresholds %+v, want test and the base thresholds", got.Version, got.Thresholds)
	}
	phone := got.Fields[5]
	if phone.Name != FieldPhone || phone.M[0] != base.Fields[5].M[0] {
		t.Errorf("an unobserved field should keep its base probabilities, got %+v", phone)
	}
	if _, err := ParseRules(mustMarshal(t, got)); err != nil {
		t.Errorf("trained rules do not parse: %v", err)
	}
}

func TestTrainNeedsPairs(t *testing.T) {
	base, err := DefaultRules()
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := Train(base, nil, nil, TrainOptions{Version: "x"}); !errors.Is(err, ErrNoTrainingData) {
		t.Errorf("error %v, want ErrNoTrainingData", err)
	}
}

func mustMarshal(t *testing.T, r *Rules) []byte {
	t.Helper()
	b, err := r.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return b
}
