package hygiene_test

import (
	"errors"
	"os"
	"testing"

	"github.com/intake-project/intake/shared/hygiene"
)

// FuzzParsePolicy: any input either parses into a policy whose settings are in range, or is
// refused with a *PolicyError that lists at least one problem; it never panics.
func FuzzParsePolicy(f *testing.F) {
	def, err := os.ReadFile("policy.yaml")
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{
		string(def),
		"version: x\n",
		"version: x\nrefresh:\n  afterMonths:\n    A: 3\n",
		"version: x\nrefresh:\n  mandatory:\n    card: [\"card.role | card.seating\"]\n",
		"version: x\nrefresh: [\n",
		"version: x\nrefresh:\n  afterMonths:\n    F: six\n",
		"a: &x [*x]\n",
		"",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := hygiene.ParsePolicy(data)
		if err != nil {
			var pe *hygiene.PolicyError
			if !errors.As(err, &pe) || len(pe.Problems) == 0 || !errors.Is(err, hygiene.ErrInvalidPolicy) {
				t.Fatalf("error %v: want a *PolicyError with problems", err)
			}
			return
		}
		if p.Version == "" || p.PayloadRetention <= 0 || p.Purge.ProspectInactiveMonths < 1 {
			t.Fatalf("accepted a policy out of range: %+v", p)
		}
		for g, m := range p.Refresh.AfterMonths {
			if m < 1 {
				t.Fatalf("accepted %d months for %s", m, g)
			}
		}
	})
}
