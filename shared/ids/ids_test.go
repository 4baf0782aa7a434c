package ids

import (
	"sort"
	"testing"
	"time"
)

func TestNewIsValidUniqueAndSortsByTime(t *testing.T) {
	base := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	seen := map[string]bool{}
	var list []string
	for i := range 1000 {
		id := New(base.Add(time.Duration(i) * time.Millisecond))
		if !Valid(id) {
			t.Fatalf("New made an invalid id %q", id)
		}
		if seen[id] {
			t.Fatalf("duplicate id %q", id)
		}
		seen[id] = true
		list = append(list, id)
	}
	if !sort.StringsAreSorted(list) {
		t.Fatal("ids made later do not sort later")
	}
}

func TestValidRefusesMalformed(t *testing.T) {
	for _, s := range []string{"", "abc", "01ARZ3NDEKTSV4RRFFQ69G5FAV", "0123456789abcdefghjkmnpqr!", "8zzzzzzzzzzzzzzzzzzzzzzzzz", "../../etc/passwd0000000000"} {
		if Valid(s) {
			t.Errorf("Valid(%q) = true", s)
		}
	}
}
