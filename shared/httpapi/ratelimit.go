package httpapi

import (
	"sync"
	"time"
)

// limiter keeps one token bucket per client and form: a bucket holds up to perMinute tokens,
// refills at perMinute a minute, and a post takes one.
type limiter struct {
	now     func() time.Time
	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

// maxBuckets bounds memory: past it, buckets that have refilled completely are dropped, as
// they behave exactly like new ones.
const maxBuckets = 10000

func newLimiter(now func() time.Time) *limiter {
	return &limiter{now: now, buckets: map[string]*bucket{}}
}

// allow takes a token from key's bucket; when there is none it says how long until one refills.
func (l *limiter) allow(key string, perMinute int) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	rate := float64(perMinute) / float64(time.Minute)
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= maxBuckets {
			l.prune(now)
		}
		b = &bucket{tokens: float64(perMinute), last: now}
		l.buckets[key] = b
	}
	b.tokens = min(float64(perMinute), b.tokens+float64(now.Sub(b.last))*rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / rate)
}

func (l *limiter) prune(now time.Time) {
	for k, b := range l.buckets {
		// Any bucket left alone for a minute has refilled, whatever its rate.
		if now.Sub(b.last) >= time.Minute {
			delete(l.buckets, k)
		}
	}
}
