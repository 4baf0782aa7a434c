package hygiene_test

import (
	"testing"

	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/hygiene"
)

// After a policy change, a recompute puts customers on the index the new policy implies, and
// the next sweep flags them.
func TestRecomputeAppliesAChangedPolicy(t *testing.T) {
	st, old := openStore(t), hygiene.DefaultPolicy()
	lastSeen := now.AddDate(0, -4, 0)
	file(t, st, old, customerOf("c-a", kycPerson(farExpiry), lastSeen, "A"), lastSeen)
	file(t, st, old, customerOf("c-c", kycPerson(farExpiry), lastSeen, "C"), lastSeen)
	stricter, err := hygiene.ParsePolicy([]byte("version: stricter\nrefresh:\n  afterMonths:\n    A: 3\n"))
	if err != nil {
		t.Fatal(err)
	}
	if r, err := hygiene.Sweep(t.Context(), st, stricter, hygiene.SweepOptions{Now: now}); err != nil || r.Read != 0 {
		t.Fatalf("sweep before recompute read %d (%v): the index still holds the old dates, want 0", r.Read, err)
	}
	tests := []struct {
		name        string
		dry         bool
		wantUpdated int
	}{
		{"a dry run counts what it would change", true, 1},
		{"a run changes the customer the new policy moves", false, 1},
		{"a second run changes nothing", false, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := hygiene.Recompute(t.Context(), st, stricter, hygiene.RecomputeOptions{Now: now, DryRun: tc.dry, PageSize: 1})
			if err != nil {
				t.Fatal(err)
			}
			if r.Read != 2 || r.Updated != tc.wantUpdated || r.Skipped != 2-tc.wantUpdated || !r.Complete {
				t.Errorf("read %d updated %d skipped %d complete %v; want 2 read, %d updated", r.Read, r.Updated, r.Skipped, r.Complete, tc.wantUpdated)
			}
		})
	}
	r, err := hygiene.Sweep(t.Context(), st, stricter, hygiene.SweepOptions{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	sameReported(t, r, map[string][]string{"c-a": {hygiene.CodeRefreshPeriod}})
	if c := mustGet(t, st, "c-c"); c.Flag != customer.FlagNone {
		t.Errorf("c-c flagged %v, want untouched", c.FlagReasons)
	}
}
