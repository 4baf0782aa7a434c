package main

import (
	"math"
	"os"
	"path/filepath"
	"testing"
)

func TestScoreCountsPairsWithinEachCustomer(t *testing.T) {
	dir := t.TempDir()
	links := filepath.Join(dir, "links.csv")
	truth := filepath.Join(dir, "truth.csv")
	// Customer c1 holds a, b, c (pairs ab, ac, bc); c2 holds d alone.
	os.WriteFile(links, []byte("source_ref,submission_id,customer_id,decision\na,s1,c1,NEW\nb,s2,c1,MATCH\nc,s3,c1,MATCH\nd,s4,c2,NEW\n"), 0o600)
	// True pairs: ab (found), cd (missed).
	os.WriteFile(truth, []byte("source_ref_a,source_ref_b\nb,a\nc,d\n"), 0o600)
	m, err := score(links, truth)
	if err != nil {
		t.Fatal(err)
	}
	if m.PredictedPair != 3 || m.Correct != 1 || m.TruePairs != 2 {
		t.Fatalf("pairs = %+v, want 3 predicted, 1 correct, 2 true", m)
	}
	// Precision 1/3, recall 1/2, F1 = 2·(1/3)(1/2)/(1/3+1/2) = 0.4.
	if math.Abs(m.F1-0.4) > 1e-9 {
		t.Fatalf("F1 = %v, want 0.4", m.F1)
	}
}
