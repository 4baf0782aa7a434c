// Package score computes a customer's scores from a versioned rules file: completeness, value
// grade (RFM), MAN prospect class, KYC risk and potential-VIP signals, each with its reasons.
package score

import (
	"time"

	"github.com/intake-project/intake/shared/customer"
)

// Input is what the engine scores: a customer's current view and everything filed on it.
type Input struct {
	Kind     customer.Kind
	KYCGrade bool
	// Person or Organisation is the customer's current view, by Kind.
	Person       *customer.Person
	Organisation *customer.Organisation
	// IdentityVerified says the identity document on file (a person's ID document, an
	// organisation's licence) came from a verified submission.
	IdentityVerified bool
	// Cards are every card scan filed, oldest first.
	Cards []customer.CardInfo
	// Value are every value block filed, oldest first. OccurredOn should be filled from the
	// submission's received time when the sender gave none: undated blocks count towards
	// frequency and spend but not recency.
	Value     []customer.ValueInfo
	Prospect  *customer.Prospect
	Interests []string
	History   []customer.HistoryEntry
	// Now is the scoring time: recency and document expiry are measured against it.
	Now time.Time
}

// Engine scores customers under one set of rules. It is safe for concurrent use.
type Engine struct {
	r *Rules
}

// New makes an engine that scores under r.
func New(r *Rules) *Engine { return &Engine{r: r} }

// Default makes an engine that scores under the embedded rules.
func Default() *Engine { return New(DefaultRules()) }

// Version is the version of the rules the engine scores under.
func (e *Engine) Version() string { return e.r.Version() }

// NeedsRescore reports whether s is missing or was computed under other rules.
func (e *Engine) NeedsRescore(s *customer.Scores) bool {
	return s == nil || s.RulesVersion != e.Version()
}

// Score computes every score of the customer in.
func (e *Engine) Score(in Input) customer.Scores {
	signals := e.vipSignals(&in)
	return customer.Scores{
		RulesVersion: e.Version(),
		ComputedAt:   in.Now,
		Completeness: e.completeness(&in),
		Grade:        e.grade(&in),
		MAN:          e.man(&in, signals),
		KYCRisk:      e.kycRisk(&in),
		VIPSignals:   signals,
	}
}
