package store

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/intake-project/intake/shared/customer"
)

// MergedProfile is the profile a merge leaves: into with everything from adds, kept once.
// Both adapters write it, and applying it again to its own result changes nothing, which is
// what lets an interrupted merge run again: attributes are kept unless an identical one (same
// path, value and provenance) is there already, submissions and lookup keys once each; the
// earlier CreatedAt, the later LastActivityAt, KYCGrade if either has it; the earlier consent
// withdrawal (the person withdrew it, whichever record took it down); and an ended
// relationship only when both records say so (an ongoing one on either means it goes on),
// then the later end. Scores, flag and due dates stay as into has them: the caller
// recomputes them. ID, Version and UpdatedAt are the caller's to set.
func MergedProfile(into, from customer.Customer) customer.Customer {
	out := into
	out.Attributes = slices.Clone(into.Attributes)
	seen := map[string]bool{}
	for _, a := range into.Attributes {
		seen[attributeKey(a)] = true
	}
	for _, a := range from.Attributes {
		if k := attributeKey(a); !seen[k] {
			seen[k] = true
			out.Attributes = append(out.Attributes, a)
		}
	}
	out.Submissions = slices.Clone(into.Submissions)
	for _, id := range from.Submissions {
		if !slices.Contains(out.Submissions, id) {
			out.Submissions = append(out.Submissions, id)
		}
	}
	out.Keys = slices.Clone(into.Keys)
	for _, k := range from.Keys {
		if !slices.ContainsFunc(out.Keys, func(h customer.LookupKey) bool { return h.Kind == k.Kind && h.Hash == k.Hash }) {
			out.Keys = append(out.Keys, k)
		}
	}
	if from.CreatedAt.Before(out.CreatedAt) {
		out.CreatedAt = from.CreatedAt
	}
	if from.LastActivityAt.After(out.LastActivityAt) {
		out.LastActivityAt = from.LastActivityAt
	}
	out.KYCGrade = into.KYCGrade || from.KYCGrade
	if w := from.ConsentWithdrawnAt; w != nil && (out.ConsentWithdrawnAt == nil || w.Before(*out.ConsentWithdrawnAt)) {
		out.ConsentWithdrawnAt = w
	}
	switch e := from.RelationshipEndedAt; {
	case e == nil || out.RelationshipEndedAt == nil:
		out.RelationshipEndedAt = nil
	case e.After(*out.RelationshipEndedAt):
		out.RelationshipEndedAt = e
	}
	return out
}

func attributeKey(a customer.Attribute) string {
	return strings.Join([]string{a.Path, a.Value, string(a.Channel), a.SubmissionID,
		strconv.FormatBool(a.Verified), a.CollectedAt.UTC().Format("2006-01-02T15:04:05.000000000Z"), a.CollectedBy}, "\x00")
}

// Check tells whether the stored review can decide the merge: it must be open and name both
// customers. Anything else is ErrConflict.
func (m Merge) Check(stored Review) error {
	if stored.Status != ReviewOpen {
		return fmt.Errorf("review %s is %s: %w", stored.ID, stored.Status, ErrConflict)
	}
	pair := []string{stored.CustomerID, stored.CandidateID}
	if !slices.Contains(pair, m.From) || !slices.Contains(pair, m.Into) {
		return fmt.Errorf("review %s does not name both customers: %w", stored.ID, ErrConflict)
	}
	return nil
}
