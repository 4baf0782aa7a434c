package match

import (
	"errors"
	"fmt"
	"math"
)

// TrainOptions tune Train. Zero values take the defaults.
type TrainOptions struct {
	// MaxIterations bounds expectation-maximisation; default 200.
	MaxIterations int
	// Tolerance stops iterating when no probability moves more than this; default 1e-7.
	Tolerance float64
	// Version is the version written into the trained rules; required.
	Version string
}

// TrainReport says how training went.
type TrainReport struct {
	Iterations int
	Converged  bool
	// Prior is the estimated share of true matches among the candidate pairs.
	Prior     float64
	Candidate int
	Random    int
}

// ErrNoTrainingData is returned when there are no pairs to learn from.
var ErrNoTrainingData = errors.New("no training pairs")

// Train estimates match weights the way Fellegi-Sunter models usually are: u probabilities are
// counted on random pairs (nearly all non-matches), and m probabilities and the share of
// matches are fitted by expectation-maximisation on the candidate pairs that blocking
// produces, with u held fixed. Missing comparisons take no part. The thresholds of base are
// kept; its m probabilities are the starting point.
func Train(base *Rules, candidates, random []Pattern, opt TrainOptions) (*Rules, TrainReport, error) {
	rep := TrainReport{Candidate: len(candidates), Random: len(random)}
	if len(candidates) == 0 || len(random) == 0 {
		return nil, rep, fmt.Errorf("train: %w", ErrNoTrainingData)
	}
	if opt.Version == "" {
		return nil, rep, errors.New("train: version is required")
	}
	if opt.MaxIterations == 0 {
		opt.MaxIterations = 200
	}
	if opt.Tolerance == 0 {
		opt.Tolerance = 1e-7
	}
	names, levels := FieldNames()
	start := map[string]FieldRule{}
	for _, f := range base.Fields {
		start[f.Name] = f
	}
	u := make([][]float64, len(names))
	m := make([][]float64, len(names))
	for i := range names {
		u[i] = levelShares(random, i, levels[i], nil)
		m[i] = append([]float64(nil), start[names[i]].M...)
		if len(m[i]) != levels[i] {
			m[i] = make([]float64, levels[i])
			for l := range m[i] {
				m[i][l] = 1 / float64(levels[i])
			}
		}
	}
	prior := base.Prior
	if prior <= 0 || prior >= 1 {
		prior = 0.01
	}
	g := make([]float64, len(candidates))
	for rep.Iterations = 1; rep.Iterations <= opt.MaxIterations; rep.Iterations++ {
		// Expectation: each candidate pair's probability of being a match.
		for k, p := range candidates {
			lm, lu := math.Log(prior), math.Log(1-prior)
			for i, l := range p {
				if l >= 0 {
					lm += math.Log(m[i][l])
					lu += math.Log(u[i][l])
				}
			}
			g[k] = 1 / (1 + math.Exp(lu-lm))
		}
		// Maximisation: the expected share of matches, and m as the match-weighted level shares.
		sum := 0.0
		for _, x := range g {
			sum += x
		}
		newPrior := clamp(sum / float64(len(g)))
		moved := math.Abs(newPrior - prior)
		prior = newPrior
		for i := range names {
			next := levelShares(candidates, i, levels[i], g)
			for l := range next {
				moved = math.Max(moved, math.Abs(next[l]-m[i][l]))
			}
			m[i] = next
		}
		if moved < opt.Tolerance {
			rep.Converged = true
			break
		}
	}
	rep.Iterations = min(rep.Iterations, opt.MaxIterations)
	rep.Prior = prior
	out := &Rules{Version: opt.Version, Thresholds: base.Thresholds, Prior: round(prior)}
	for i, n := range names {
		if !compared(candidates, i) || !compared(random, i) {
			// Nothing to learn from: the base probabilities stand.
			out.Fields = append(out.Fields, start[n])
			continue
		}
		f := FieldRule{Name: n}
		for l := range levels[i] {
			f.M = append(f.M, round(m[i][l]))
			f.U = append(f.U, round(u[i][l]))
		}
		out.Fields = append(out.Fields, f)
	}
	return out, rep, nil
}

// levelShares is the (weighted) share of each level of field i among the pairs where the
// field was compared, smoothed so that no level gets probability zero.
func levelShares(pairs []Pattern, i, levels int, weight []float64) []float64 {
	counts := make([]float64, levels)
	total := 0.0
	for k, p := range pairs {
		if p[i] < 0 {
			continue
		}
		w := 1.0
		if weight != nil {
			w = weight[k]
		}
		counts[p[i]] += w
		total += w
	}
	const smoothing = 0.5
	for l := range counts {
		counts[l] = clamp((counts[l] + smoothing) / (total + smoothing*float64(levels)))
	}
	return counts
}

func clamp(p float64) float64 { return math.Min(math.Max(p, 1e-9), 1-1e-9) }

// round keeps six significant digits, enough for weights and short in the rules file.
func round(p float64) float64 {
	if p == 0 {
		return 0
	}
	scale := math.Pow(10, 5-math.Floor(math.Log10(math.Abs(p))))
	return math.Round(p*scale) / scale
}

func compared(pairs []Pattern, i int) bool {
	for _, p := range pairs {
		if p[i] >= 0 {
			return true
		}
	}
	return false
}
