package storetest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/store"
)

// base is the fixed time every fixture is written at, so stored items are deterministic.
var base = time.Date(2025, time.March, 1, 9, 0, 0, 0, time.UTC)

func minute(n int) time.Time { return base.Add(time.Duration(n) * time.Minute) }

func day(n int) time.Time { return base.AddDate(0, 0, n) }

func ptr[T any](v T) *T { return &v }

// person holds the personal values of fixture customer n. Values of different customers are
// never substrings of one another, so the purge test can search for them.
type person struct {
	name, phone, email, idNumber, street string
}

func personOf(n int) person {
	return person{
		name:     fmt.Sprintf("张三%04d", n),
		phone:    fmt.Sprintf("+86138%08d", n),
		email:    fmt.Sprintf("guest%04d@example.com", n),
		idNumber: fmt.Sprintf("1101051949%04d002X", n),
		street:   fmt.Sprintf("%04d Chang'an Avenue", n),
	}
}

func (p person) values() []string { return []string{p.name, p.phone, p.email, p.idNumber, p.street} }

func custID(n int) string { return fmt.Sprintf("cust-%04d", n) }

func subID(n int) string { return fmt.Sprintf("sub-%04d", n) }

// hashOf stands in for the keyed hash the match package computes; the store never hashes.
func hashOf(kind, value string) string {
	sum := sha256.Sum256([]byte(kind + "\x00" + value))
	return hex.EncodeToString(sum[:])
}

// keysOf returns fixture customer n's lookup keys: two unique ones and one block.
func keysOf(n int) []customer.LookupKey {
	p := personOf(n)
	return []customer.LookupKey{
		{Kind: "phone", Hash: hashOf("phone", p.phone), Unique: true},
		{Kind: "resident_id", Hash: hashOf("resident_id", p.idNumber), Unique: true},
		{Kind: "name_birth", Hash: hashOf("name_birth", p.name+"1949-12-31")},
	}
}

// blockKey is a block key many fixture customers can share.
func blockKey(name string) customer.LookupKey {
	return customer.LookupKey{Kind: "name_birth", Hash: hashOf("name_birth", name)}
}

// newSubmission is a received web-form submission of fixture person n.
func newSubmission(id string, n int, received time.Time) store.Submission {
	p := personOf(n)
	return store.Submission{
		ID:             id,
		IdempotencyKey: "form-a:idem-" + id,
		BodyHash:       hashOf("body", id),
		FormKey:        "form-a",
		Status:         store.StatusReceived,
		ReceivedAt:     received,
		UpdatedAt:      received,
		Payload: &customer.Submission{
			SourceRef: "ref-" + id,
			Channel:   customer.ChannelWebForm,
			Kind:      customer.KindPerson,
			Person: &customer.Person{
				Name:       p.name,
				BirthDate:  "1949-12-31",
				IDDocument: &customer.IDDocument{Type: customer.DocCNResidentID, Number: p.idNumber},
				Phones:     []string{p.phone},
				Emails:     []string{p.email},
				Address:    &customer.Address{Line1: p.street, City: "Beijing", Country: "CN"},
			},
		},
	}
}

// newCustomer is fixture person n as a customer first filed from submission sub at time at.
func newCustomer(id string, n int, sub string, at time.Time) customer.Customer {
	p := personOf(n)
	prov := customer.Provenance{Channel: customer.ChannelWebForm, SubmissionID: sub, CollectedAt: at}
	attr := func(path, value string) customer.Attribute {
		return customer.Attribute{Path: path, Value: value, Provenance: prov}
	}
	return customer.Customer{
		ID:        id,
		Kind:      customer.KindPerson,
		CreatedAt: at,
		UpdatedAt: at,
		Version:   1,
		Attributes: []customer.Attribute{
			attr("person.name", p.name),
			attr("person.phones", p.phone),
			attr("person.emails", p.email),
			attr("person.idDocument", `{"type":"cn_resident_id","number":"`+p.idNumber+`"}`),
			attr("person.address", `{"line1":"`+p.street+`","city":"Beijing","country":"CN"}`),
		},
		LastActivityAt: at,
	}
}

// newFiling files submission sub as a new customer id made of fixture person n; the payload
// expires thirty days after receipt.
func newFiling(id string, n int, sub store.Submission) store.Filing {
	sub.Status = store.StatusFiled
	sub.UpdatedAt = sub.ReceivedAt.Add(time.Second)
	// As the filing step does: the payload is kept for a while after filing.
	sub.PayloadExpiresAt = ptr(sub.ReceivedAt.AddDate(0, 0, 30))
	sub.Outcome = &store.Outcome{CustomerID: id, Decision: customer.DecisionNew}
	return store.Filing{
		Submission:  sub,
		Customer:    newCustomer(id, n, sub.ID, sub.ReceivedAt),
		NewCustomer: true,
		Keys:        keysOf(n),
		History: customer.HistoryEntry{
			CustomerID:   id,
			SubmissionID: sub.ID,
			At:           sub.ReceivedAt,
			Channel:      customer.ChannelWebForm,
			Decision:     customer.DecisionNew,
		},
		Audit: store.AuditEntry{
			ID:           "audit-" + sub.ID,
			At:           sub.ReceivedAt.Add(time.Second),
			Actor:        "workflow",
			Action:       "file",
			CustomerID:   id,
			SubmissionID: sub.ID,
		},
	}
}

// fileNew creates submission subID(n) received at minute n and files it as new customer
// custID(n), with extra lookup keys; it returns the filing as passed to File.
func fileNew(t testing.TB, s store.Store, n int, extra ...customer.LookupKey) store.Filing {
	t.Helper()
	sub := newSubmission(subID(n), n, minute(n))
	if _, _, err := s.CreateSubmission(t.Context(), sub); err != nil {
		t.Fatalf("CreateSubmission %s: %v", sub.ID, err)
	}
	f := newFiling(custID(n), n, sub)
	f.Keys = append(f.Keys, extra...)
	if err := s.File(t.Context(), f); err != nil {
		t.Fatalf("File %s: %v", sub.ID, err)
	}
	return f
}

func mustCustomer(t *testing.T, s store.Store, id string) customer.Customer {
	t.Helper()
	c, err := s.GetCustomer(t.Context(), id)
	if err != nil {
		t.Fatalf("GetCustomer %s: %v", id, err)
	}
	return c
}

func mustSubmission(t *testing.T, s store.Store, id string) store.Submission {
	t.Helper()
	sub, err := s.GetSubmission(t.Context(), id)
	if err != nil {
		t.Fatalf("GetSubmission %s: %v", id, err)
	}
	return sub
}

// sameJSON compares values by their JSON form, which is what every adapter must round-trip.
func sameJSON(t *testing.T, what string, got, want any) {
	t.Helper()
	g, err := json.Marshal(got)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	w, err := json.Marshal(want)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if !bytes.Equal(g, w) {
		t.Errorf("%s:\n got %s\nwant %s", what, g, w)
	}
}

func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: error %v, want %v", what, err, target)
	}
}

// collect pages through a listing with the given limit and returns every item, failing when a
// page is over the limit or the cursor does not move.
func collect[T any](t *testing.T, limit int, list func(p store.Page) ([]T, string, error)) []T {
	t.Helper()
	var all []T
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 10000 {
			t.Fatal("listing never ends")
		}
		items, next, err := list(store.Page{Cursor: cursor, Limit: limit})
		if err != nil {
			t.Fatalf("listing page %d: %v", pages, err)
		}
		if limit > 0 && len(items) > limit {
			t.Fatalf("page %d holds %d items, limit %d", pages, len(items), limit)
		}
		all = append(all, items...)
		if next == "" {
			return all
		}
		if next == cursor {
			t.Fatalf("page %d returned its own cursor", pages)
		}
		cursor = next
	}
}

func idsOf[T any](items []T, id func(T) string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = id(it)
	}
	return out
}

func customerIDs(cs []customer.Customer) []string {
	return idsOf(cs, func(c customer.Customer) string { return c.ID })
}

func sameStrings(t *testing.T, what string, got, want []string) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) || len(got) != len(want) {
		t.Errorf("%s: got %q, want %q", what, got, want)
	}
}

// sameSet compares two lists as sets, reporting duplicates in got.
func sameSet(t *testing.T, what string, got, want []string) {
	t.Helper()
	seen := make(map[string]int, len(got))
	for _, g := range got {
		seen[g]++
	}
	for g, n := range seen {
		if n > 1 {
			t.Errorf("%s: %q listed %d times", what, g, n)
		}
	}
	if len(seen) != len(want) {
		t.Errorf("%s: got %d distinct items, want %d", what, len(seen), len(want))
	}
	for _, w := range want {
		if seen[w] == 0 {
			t.Errorf("%s: %q missing", what, w)
		}
	}
}
