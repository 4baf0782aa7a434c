package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/store"
)

var candidateTests = []contractTest{
	{"FindCandidates/returns owners of unique keys and caps blocks", findCandidates},
}

var customerTests = []contractTest{
	{"GetCustomer/unknown ID is not found", getCustomerUnknown},
	{"UpdateCustomer/applies fn and bumps the version, keeping ID and keys", updateCustomerApplies},
	{"UpdateCustomer/fn error writes nothing", updateCustomerFnError},
	{"UpdateCustomer/unknown ID is not found", updateCustomerUnknown},
	{"ListCustomers/pages through every customer exactly once", listCustomersPaging},
	{"ListCustomers/with a flag lists only flagged customers", listCustomersFlag},
	{"DueCustomers/lists due customers earliest first and follows due dates", dueCustomers},
	{"History/pages in time order", historyOrder},
}

// findCandidates: a unique key leads to its owner; a block key to at most perKey of its
// customers (any of them), its hash listed in Truncated when more exist; perKey of zero or
// less means no cap; keys that lead nowhere are absent from ByKey.
func findCandidates(t *testing.T, s store.Store) {
	block := blockKey("shared")
	var all []string
	for n := 1; n <= 5; n++ {
		fileNew(t, s, n, block)
		all = append(all, custID(n))
	}
	phone := keysOf(3)[0]
	unknown := keysOf(99)[0]
	for _, tc := range []struct {
		perKey    int
		block     int
		truncated bool
	}{
		{perKey: 3, block: 3, truncated: true},
		{perKey: 5, block: 5},
		{perKey: 0, block: 5},
	} {
		t.Run(fmt.Sprintf("perKey %d", tc.perKey), func(t *testing.T) {
			cands, err := s.FindCandidates(t.Context(), []customer.LookupKey{block, phone, unknown}, tc.perKey)
			if err != nil {
				t.Fatal(err)
			}
			got := cands.ByKey[block.Hash]
			if len(got) != tc.block {
				t.Errorf("block: %d customers, want %d", len(got), tc.block)
			}
			for i, id := range got {
				if !slices.Contains(all, id) || slices.Contains(got[:i], id) {
					t.Errorf("block: unexpected or repeated customer %q", id)
				}
			}
			sameStrings(t, "unique key", cands.ByKey[phone.Hash], []string{custID(3)})
			if _, ok := cands.ByKey[unknown.Hash]; ok || len(cands.ByKey) != 2 {
				t.Errorf("ByKey has %d keys (unknown key present: %v), want 2", len(cands.ByKey), ok)
			}
			var wantTruncated []string
			if tc.truncated {
				wantTruncated = []string{block.Hash}
			}
			sameStrings(t, "truncated", cands.Truncated, wantTruncated)
		})
	}
}

func getCustomerUnknown(t *testing.T, s store.Store) {
	_, err := s.GetCustomer(t.Context(), "cust-none")
	wantErr(t, "GetCustomer", err, store.ErrNotFound)
}

// updateCustomerApplies: UpdateCustomer stores fn's result with Version one higher and, when fn
// left UpdatedAt alone, UpdatedAt set to the current time. ID and Keys cannot change through
// it: lookup keys are only added by File and removed by PurgeCustomer.
func updateCustomerApplies(t *testing.T, s store.Store) {
	f := fileNew(t, s, 1)
	before := mustCustomer(t, s, custID(1))
	got, err := s.UpdateCustomer(t.Context(), custID(1), func(c *customer.Customer) error {
		c.ID = "cust-other"
		c.Keys = nil
		c.Flag = customer.FlagRefreshDue
		c.FlagReasons = []string{"id_document_expired"}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := before
	want.Version++
	want.Flag = customer.FlagRefreshDue
	want.FlagReasons = []string{"id_document_expired"}
	want.UpdatedAt = got.UpdatedAt
	sameJSON(t, "returned", got, want)
	if !got.UpdatedAt.After(before.UpdatedAt) {
		t.Errorf("UpdatedAt %v not moved on from %v", got.UpdatedAt, before.UpdatedAt)
	}
	sameJSON(t, "stored", mustCustomer(t, s, custID(1)), want)
	cands, err := s.FindCandidates(t.Context(), f.Keys, 0)
	if err != nil {
		t.Fatal(err)
	}
	sameStrings(t, "phone key", cands.ByKey[f.Keys[0].Hash], []string{custID(1)})

	kept, err := s.UpdateCustomer(t.Context(), custID(1), func(c *customer.Customer) error {
		c.UpdatedAt = day(3)
		return nil
	})
	if err != nil || !kept.UpdatedAt.Equal(day(3)) {
		t.Errorf("UpdatedAt set by fn: got %v (err %v), want %v", kept.UpdatedAt, err, day(3))
	}
}

func updateCustomerFnError(t *testing.T, s store.Store) {
	fileNew(t, s, 1)
	before := mustCustomer(t, s, custID(1))
	_, err := s.UpdateCustomer(t.Context(), custID(1), func(c *customer.Customer) error {
		c.Flag = customer.FlagRefreshDue
		c.RefreshDueAt = ptr(day(1))
		return errRefused
	})
	wantErr(t, "UpdateCustomer", err, errRefused)
	sameJSON(t, "stored", mustCustomer(t, s, custID(1)), before)
	due, _, err := s.DueCustomers(t.Context(), store.DueRefresh, day(10), store.Page{})
	if err != nil || len(due) != 0 {
		t.Errorf("due after a refused update: %d customers, err %v", len(due), err)
	}
}

func updateCustomerUnknown(t *testing.T, s store.Store) {
	_, err := s.UpdateCustomer(t.Context(), "cust-none", func(*customer.Customer) error { return nil })
	wantErr(t, "UpdateCustomer", err, store.ErrNotFound)
}

// listCustomersPaging: ListCustomers(FlagNone) lists every customer exactly once across pages,
// in no promised order.
func listCustomersPaging(t *testing.T, s store.Store) {
	const count = 250
	var want []string
	for n := 1; n <= count; n++ {
		f := newFiling(custID(n), n, newSubmission(subID(n), n, minute(n)))
		if err := s.File(t.Context(), f); err != nil {
			t.Fatal(err)
		}
		want = append(want, custID(n))
	}
	got := collect(t, 40, func(p store.Page) ([]customer.Customer, string, error) {
		return s.ListCustomers(t.Context(), customer.FlagNone, p)
	})
	sameSet(t, "customers", customerIDs(got), want)
}

// listCustomersFlag: a flag set or cleared by UpdateCustomer moves the customer in or out of
// that flag's listing.
func listCustomersFlag(t *testing.T, s store.Store) {
	var all []string
	for n := 1; n <= 6; n++ {
		fileNew(t, s, n)
		all = append(all, custID(n))
	}
	setFlag := func(n int, flag customer.Flag) {
		t.Helper()
		if _, err := s.UpdateCustomer(t.Context(), custID(n), func(c *customer.Customer) error {
			c.Flag = flag
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []int{2, 4, 5} {
		setFlag(n, customer.FlagRefreshDue)
	}
	setFlag(4, customer.FlagNone)
	list := func(flag customer.Flag) []string {
		return customerIDs(collect(t, 1, func(p store.Page) ([]customer.Customer, string, error) {
			return s.ListCustomers(t.Context(), flag, p)
		}))
	}
	sameSet(t, "flagged", list(customer.FlagRefreshDue), []string{custID(2), custID(5)})
	sameSet(t, "all", list(customer.FlagNone), all)
}

// dueCustomers: DueCustomers lists customers whose due date of that kind is at or before upTo,
// earliest first (then by ID); every write of a customer (File, UpdateCustomer) moves, adds or
// removes its index entries to match RefreshDueAt and PurgeDueAt.
func dueCustomers(t *testing.T, s store.Store) {
	due := map[int][2]*time.Time{ // refresh, purge
		1: {ptr(day(5)), nil},
		2: {ptr(day(1)), ptr(day(400))},
		3: {ptr(day(3)), nil},
		4: {nil, nil},
		5: {ptr(day(10)), nil},
		6: {nil, ptr(day(2))},
		7: {ptr(day(3)), nil},
	}
	for n := 1; n <= 7; n++ {
		f := newFiling(custID(n), n, newSubmission(subID(n), n, minute(n)))
		f.Customer.RefreshDueAt, f.Customer.PurgeDueAt = due[n][0], due[n][1]
		if err := s.File(t.Context(), f); err != nil {
			t.Fatal(err)
		}
	}
	list := func(kind store.Due, upTo time.Time) []string {
		return customerIDs(collect(t, 2, func(p store.Page) ([]customer.Customer, string, error) {
			return s.DueCustomers(t.Context(), kind, upTo, p)
		}))
	}
	update := func(n int, fn func(*customer.Customer)) {
		t.Helper()
		if _, err := s.UpdateCustomer(t.Context(), custID(n), func(c *customer.Customer) error {
			fn(c)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	sameStrings(t, "refresh due by day 5", list(store.DueRefresh, day(5)),
		[]string{custID(2), custID(3), custID(7), custID(1)})
	sameStrings(t, "purge due by day 5", list(store.DuePurge, day(5)), []string{custID(6)})
	sameStrings(t, "refresh due before any", list(store.DueRefresh, day(0)), nil)

	update(3, func(c *customer.Customer) { c.RefreshDueAt = ptr(day(20)) })
	update(2, func(c *customer.Customer) { c.RefreshDueAt = nil })
	update(4, func(c *customer.Customer) { c.RefreshDueAt = ptr(day(0)) })
	sameStrings(t, "after moving, clearing and adding", list(store.DueRefresh, day(5)),
		[]string{custID(4), custID(7), custID(1)})

	stored := mustCustomer(t, s, custID(1))
	f := newFiling(custID(1), 1, newSubmission(subID(11), 1, minute(11)))
	f.NewCustomer = false
	f.Customer = stored
	f.Customer.Version++
	f.Customer.RefreshDueAt = nil
	f.Customer.PurgeDueAt = ptr(day(4))
	if err := s.File(t.Context(), f); err != nil {
		t.Fatal(err)
	}
	sameStrings(t, "refresh after a filing cleared it", list(store.DueRefresh, day(5)), []string{custID(4), custID(7)})
	sameStrings(t, "purge after a filing set it", list(store.DuePurge, day(5)), []string{custID(6), custID(1)})
}

// historyOrder: History lists a customer's entries by At, then submission ID, whatever the
// order they were filed in, and only that customer's.
func historyOrder(t *testing.T, s store.Store) {
	fileNew(t, s, 2)
	at := []int{40, 0, 30, 10, 20}
	var want []customer.HistoryEntry
	for i, m := range at {
		sub := newSubmission(subID(10+i), 1, minute(m))
		f := newFiling(custID(1), 1, sub)
		if i > 0 {
			stored := mustCustomer(t, s, custID(1))
			f.NewCustomer, f.Customer = false, stored
			f.Customer.Version++
		}
		if err := s.File(t.Context(), f); err != nil {
			t.Fatal(err)
		}
		want = append(want, f.History)
	}
	slices.SortFunc(want, func(a, b customer.HistoryEntry) int { return a.At.Compare(b.At) })
	got := collect(t, 2, func(p store.Page) ([]customer.HistoryEntry, string, error) {
		return s.History(t.Context(), custID(1), p)
	})
	sameJSON(t, "history", got, want)
}
