// Package ids makes identifiers for submissions, customers, cards and reviews: unguessable,
// URL-safe, and sortable by creation time.
package ids

import (
	"crypto/rand"
	"encoding/binary"
	"strings"
	"time"
)

// crockford is Crockford's base-32 alphabet in lower case: no i, l, o or u to misread.
const crockford = "0123456789abcdefghjkmnpqrstvwxyz"

// New returns a 26-character identifier: 48 bits of milliseconds since the Unix epoch, then 80
// random bits, in base 32, so identifiers sort by creation time and cannot be guessed.
func New(now time.Time) string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(now.UnixMilli())<<16)
	if _, err := rand.Read(b[6:]); err != nil {
		panic("ids: no randomness: " + err.Error())
	}
	return encode(b)
}

// Valid reports whether s has the shape of an identifier made by New, so that handlers can
// refuse malformed IDs before touching the store.
func Valid(s string) bool {
	if len(s) != 26 {
		return false
	}
	for _, r := range s {
		if !strings.ContainsRune(crockford, r) {
			return false
		}
	}
	return s[0] <= '7' // 128 bits in 26 base-32 digits leave the first digit at most 7
}

func encode(b [16]byte) string {
	hi := binary.BigEndian.Uint64(b[:8])
	lo := binary.BigEndian.Uint64(b[8:])
	out := make([]byte, 26)
	for i := 25; i >= 0; i-- {
		out[i] = crockford[lo&31]
		lo = lo>>5 | hi<<59
		hi >>= 5
	}
	return string(out)
}
