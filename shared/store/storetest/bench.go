package storetest

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/intake-project/intake/shared/store"
)

// Bench measures filings per second: each operation files a new customer with two unique keys,
// a block key shared by a hundred customers, a history entry, the submission and an audit
// entry, first from one goroutine, then from GOMAXPROCS×parallelism goroutines at once.
// open must return a fresh, empty store; Bench closes it.
func Bench(b *testing.B, open func(b *testing.B) store.Store) {
	b.Run("File/serial", func(b *testing.B) {
		s := openForBench(b, open)
		var seq atomic.Int64
		b.ReportAllocs()
		for b.Loop() {
			if err := s.File(b.Context(), benchFiling(int(seq.Add(1)))); err != nil {
				b.Fatal(err)
			}
		}
		reportRate(b)
	})
	for _, parallelism := range []int{1, 4} {
		b.Run(fmt.Sprintf("File/parallel-%d", parallelism), func(b *testing.B) {
			s := openForBench(b, open)
			var seq atomic.Int64
			b.ReportAllocs()
			b.SetParallelism(parallelism)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := s.File(b.Context(), benchFiling(int(seq.Add(1)))); err != nil {
						b.Error(err)
						return
					}
				}
			})
			reportRate(b)
		})
	}
}

func openForBench(b *testing.B, open func(b *testing.B) store.Store) store.Store {
	s := open(b)
	b.Cleanup(func() {
		if err := s.Close(); err != nil {
			b.Errorf("Close: %v", err)
		}
	})
	return s
}

func benchFiling(n int) store.Filing {
	f := newFiling(custID(n), n, newSubmission(subID(n), n, minute(n)))
	f.Keys = append(f.Keys[:2], blockKey(fmt.Sprint(n/100)))
	return f
}

func reportRate(b *testing.B) {
	if secs := b.Elapsed().Seconds(); secs > 0 {
		b.ReportMetric(float64(b.N)/secs, "filings/s")
	}
}
