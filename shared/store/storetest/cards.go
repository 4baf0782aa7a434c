package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/intake-project/intake/shared/store"
)

var cardTests = []contractTest{
	{"CreateCard/stores a card at version 1 and refuses a taken ID", createCard},
	{"GetCard/unknown ID is not found", getCardUnknown},
	{"UpdateCard/applies fn and bumps the version", updateCard},
	{"ListCards/filters by status, room and issue time in issue order", listCards},
}

func newCard(n int, room string, issued time.Time) store.Card {
	return store.Card{
		ID: fmt.Sprintf("card-%04d", n), CustomerID: custID(n), Room: room, Unit: "Acme Trading",
		Salutation: personOf(n).name, Quantity: 1, IssuedBy: "staff-1", IssuedAt: issued,
		Status: store.CardOutstanding,
	}
}

// createCard: CreateCard stores the card with Version 1; a taken ID is ErrConflict.
func createCard(t *testing.T, s store.Store) {
	c := newCard(1, "201", minute(0))
	c.Version = 4
	if err := s.CreateCard(t.Context(), c); err != nil {
		t.Fatal(err)
	}
	want := c
	want.Version = 1
	got, err := s.GetCard(t.Context(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "stored", got, want)
	again := c
	again.Room = "999"
	wantErr(t, "second CreateCard", s.CreateCard(t.Context(), again), store.ErrConflict)
	got, err = s.GetCard(t.Context(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "after the refused create", got, want)
}

func getCardUnknown(t *testing.T, s store.Store) {
	_, err := s.GetCard(t.Context(), "card-none")
	wantErr(t, "GetCard", err, store.ErrNotFound)
}

// updateCard: UpdateCard stores fn's result with Version one higher; fn's error writes nothing;
// an unknown ID is ErrNotFound.
func updateCard(t *testing.T, s store.Store) {
	c := newCard(1, "201", minute(0))
	if err := s.CreateCard(t.Context(), c); err != nil {
		t.Fatal(err)
	}
	got, err := s.UpdateCard(t.Context(), c.ID, func(cd *store.Card) error {
		cd.Status = store.CardReturned
		cd.ReturnedAt = ptr(minute(90))
		cd.ReturnedBy = "staff-2"
		cd.Scans = append(cd.Scans, subID(1))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := c
	want.Status, want.ReturnedAt, want.ReturnedBy, want.Scans, want.Version = store.CardReturned, ptr(minute(90)), "staff-2", []string{subID(1)}, 2
	sameJSON(t, "returned", got, want)
	_, err = s.UpdateCard(t.Context(), c.ID, func(cd *store.Card) error {
		cd.Room = "999"
		return errRefused
	})
	wantErr(t, "refused update", err, errRefused)
	stored, err := s.GetCard(t.Context(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "stored", stored, want)
	_, err = s.UpdateCard(t.Context(), "card-none", func(*store.Card) error { return nil })
	wantErr(t, "unknown card", err, store.ErrNotFound)
}

// listCards: ListCards lists the cards matching every non-zero filter field (status, room,
// IssuedAt in [From, To)) by IssuedAt, then ID; a status set by UpdateCard is what it filters.
func listCards(t *testing.T, s store.Store) {
	issued := []struct {
		minute int
		room   string
	}{{30, "201"}, {0, "202"}, {20, "201"}, {10, "202"}, {40, "201"}, {20, "202"}}
	for i, c := range issued {
		if err := s.CreateCard(t.Context(), newCard(i+1, c.room, minute(c.minute))); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{"card-0003", "card-0004"} {
		if _, err := s.UpdateCard(t.Context(), id, func(c *store.Card) error {
			c.Status = store.CardReturned
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name   string
		filter store.CardFilter
		want   []string
	}{
		{"everything", store.CardFilter{}, []string{"card-0002", "card-0004", "card-0003", "card-0006", "card-0001", "card-0005"}},
		{"outstanding", store.CardFilter{Status: store.CardOutstanding}, []string{"card-0002", "card-0006", "card-0001", "card-0005"}},
		{"returned", store.CardFilter{Status: store.CardReturned}, []string{"card-0004", "card-0003"}},
		{"room", store.CardFilter{Room: "202"}, []string{"card-0002", "card-0004", "card-0006"}},
		{"issued from", store.CardFilter{From: minute(20)}, []string{"card-0003", "card-0006", "card-0001", "card-0005"}},
		{"issued before", store.CardFilter{To: minute(20)}, []string{"card-0002", "card-0004"}},
		{"window, room and status", store.CardFilter{Status: store.CardOutstanding, Room: "201", From: minute(10), To: minute(40)}, []string{"card-0001"}},
		{"nothing", store.CardFilter{Room: "303"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := collect(t, 2, func(p store.Page) ([]store.Card, string, error) {
				return s.ListCards(t.Context(), tc.filter, p)
			})
			sameStrings(t, "cards", idsOf(got, func(c store.Card) string { return c.ID }), tc.want)
		})
	}
}
