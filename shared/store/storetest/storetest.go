// Package storetest is the contract suite that every store.Store adapter must pass, and the
// filing benchmarks adapters share. Adapters call Run and Bench from their own tests.
package storetest

import (
	"context"
	"testing"

	"github.com/intake-project/intake/shared/store"
)

// Dumper is implemented by adapters that can show the suite every item they hold, so it can
// prove that a purge leaves nothing behind. Only the suite uses it. Dump calls visit once per
// stored item with the item's key and value in any readable encoding; audit marks audit-log
// entries, which hold customer IDs by design but never personal data.
type Dumper interface {
	Dump(ctx context.Context, visit func(audit bool, raw []byte) error) error
}

type contractTest struct {
	name string
	run  func(t *testing.T, s store.Store)
}

// Run runs the contract suite against an adapter. open must return a fresh, empty store each
// time it is called, and must be safe to call from parallel subtests; Run closes every store
// it opened when its subtest ends.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	var tests []contractTest
	for _, group := range [][]contractTest{
		submissionTests, filingTests, candidateTests, customerTests, purgeTests,
		reviewTests, mergeTests, cardTests, auditTests, linkTests, pagingTests, payloadTests,
	} {
		tests = append(tests, group...)
	}
	run(t, open, tests)
}

func run(t *testing.T, open func(t *testing.T) store.Store, tests []contractTest) {
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := open(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			tc.run(t, s)
		})
	}
}
