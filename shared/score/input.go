package score

import (
	"time"

	"github.com/intake-project/intake/shared/customer"
)

// InputOf assembles what the scoring rules read from a stored customer: its current view,
// every card scan and value report it has had (oldest first, undated reports dated by when
// they were collected), whether its identity document came verified, and its history.
func InputOf(c customer.Customer, history []customer.HistoryEntry, now time.Time) Input {
	view := customer.View(c.Attributes)
	in := Input{
		Kind: c.Kind, KYCGrade: c.KYCGrade, Person: view.Person, Organisation: view.Organisation,
		Prospect: view.Prospect, Interests: view.Interests, History: history, Now: now,
	}
	for _, a := range c.Attributes {
		if a.Verified && (a.Path == "person.idDocument" || a.Path == "organisation.licence") {
			in.IdentityVerified = true
		}
	}
	for _, scan := range customer.BySubmission(c.Attributes, "card") {
		if card := scan.Submission.Card; card != nil {
			in.Cards = append(in.Cards, *card)
		}
	}
	for _, report := range customer.BySubmission(c.Attributes, "value") {
		if report.Submission.Value == nil {
			continue
		}
		v := *report.Submission.Value
		if v.OccurredOn == "" && !report.CollectedAt.IsZero() {
			v.OccurredOn = report.CollectedAt.Format(time.DateOnly)
		}
		in.Value = append(in.Value, v)
	}
	return in
}
