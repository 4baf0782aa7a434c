package customer

import "time"

// Provenance says where one attribute value came from.
type Provenance struct {
	Channel      Channel   `json:"channel"`
	SubmissionID string    `json:"submissionId"`
	Verified     bool      `json:"verified"`
	CollectedAt  time.Time `json:"collectedAt"`
	CollectedBy  string    `json:"collectedBy,omitempty"`
}

// Attribute is one value of one field of a customer, with its provenance. Path is the field's
// JSON path in the submission format ("person.name", "person.phones", "card.diningTier");
// Value is the field's canonical text, or compact JSON for structured fields such as addresses
// and identity documents. A customer keeps every value it was ever given.
type Attribute struct {
	Path  string `json:"path"`
	Value string `json:"value"`
	Provenance
}

// Flag marks a customer that needs attention.
type Flag string

// Customer flags.
const (
	FlagNone       Flag = ""
	FlagRefreshDue Flag = "refresh_due"
)

// Customer is a filed customer: a person or an organisation, every attribute value it was ever
// given with provenance, its scores, and the dates the hygiene engines act on.
type Customer struct {
	ID        string    `json:"id"`
	Kind      Kind      `json:"kind"`
	KYCGrade  bool      `json:"kycGrade,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
	// Version increases by one at every write; updates are conditional on it.
	Version int64 `json:"version"`

	Attributes []Attribute `json:"attributes"`
	// Submissions lists the IDs of the submissions filed on this customer, oldest first.
	Submissions []string `json:"submissions,omitempty"`
	// Keys are the lookup keys (already hashed) that point at this customer.
	Keys []LookupKey `json:"keys,omitempty"`

	Scores *Scores `json:"scores,omitempty"`

	Flag        Flag     `json:"flag,omitempty"`
	FlagReasons []string `json:"flagReasons,omitempty"`
	// LastActivityAt is the time of the latest submission filed on the customer.
	LastActivityAt      time.Time  `json:"lastActivityAt"`
	ConsentWithdrawnAt  *time.Time `json:"consentWithdrawnAt,omitempty"`
	RelationshipEndedAt *time.Time `json:"relationshipEndedAt,omitempty"`
	// RefreshDueAt and PurgeDueAt are kept on the due-date index for the hygiene engines.
	RefreshDueAt *time.Time `json:"refreshDueAt,omitempty"`
	PurgeDueAt   *time.Time `json:"purgeDueAt,omitempty"`
}

// LookupKey is a blocking or identity key that leads to a customer: its kind ("resident_id",
// "phone", "name_birth", ...) and the keyed hash of its normalised value. Raw values never
// appear in keys. Unique keys (identity numbers, credit codes, phones, emails, cards) belong to
// at most one customer; other keys are shared blocks that gather candidates.
type LookupKey struct {
	Kind   string `json:"kind"`
	Hash   string `json:"hash"`
	Unique bool   `json:"unique,omitempty"`
}

// HistoryEntry is one line of a customer's history: a filed submission and what it brought.
type HistoryEntry struct {
	CustomerID   string    `json:"customerId"`
	SubmissionID string    `json:"submissionId"`
	At           time.Time `json:"at"`
	Channel      Channel   `json:"channel"`
	Decision     Decision  `json:"decision"`
	// Amount is the spend or purchase the submission recorded, for value scoring.
	Amount *float64 `json:"amount,omitempty"`
	CardID string   `json:"cardId,omitempty"`
}

// Decision is the dedupe step's verdict on a submission.
type Decision string

// Dedupe decisions.
const (
	DecisionMatch    Decision = "MATCH"
	DecisionPossible Decision = "POSSIBLE"
	DecisionNew      Decision = "NEW"
)

// Explanation says why the dedupe step decided as it did.
type Explanation struct {
	RulesVersion string       `json:"rulesVersion"`
	CandidateID  string       `json:"candidateId,omitempty"`
	Total        float64      `json:"total"`
	Upper        float64      `json:"upperThreshold"`
	Lower        float64      `json:"lowerThreshold"`
	Fields       []Comparison `json:"fields,omitempty"`
	// Candidates is how many customers were compared.
	Candidates int    `json:"candidates"`
	Note       string `json:"note,omitempty"`
}

// Comparison is one field's contribution to a match decision.
type Comparison struct {
	Field      string  `json:"field"`
	Similarity float64 `json:"similarity"`
	Weight     float64 `json:"weight"`
	Outcome    string  `json:"outcome"` // "agree", "partial", "disagree", "missing"
}

// Scores are what the scoring step computed for a customer, each with the reasons behind it.
type Scores struct {
	RulesVersion string        `json:"rulesVersion"`
	ComputedAt   time.Time     `json:"computedAt"`
	Completeness *Completeness `json:"completeness,omitempty"`
	Grade        *GradeScore   `json:"grade,omitempty"`
	MAN          *MANScore     `json:"man,omitempty"`
	KYCRisk      *KYCRisk      `json:"kycRisk,omitempty"`
	VIPSignals   []VIPSignal   `json:"vipSignals,omitempty"`
}

// Reason is one rule that fired, with the inputs it saw.
type Reason struct {
	Rule   string            `json:"rule"`
	Inputs map[string]string `json:"inputs,omitempty"`
	Effect string            `json:"effect,omitempty"`
}

// Completeness is the weighted share of the fields that matter that are present.
type Completeness struct {
	Ratio   float64  `json:"ratio"`
	Missing []string `json:"missing,omitempty"`
	Reasons []Reason `json:"reasons,omitempty"`
}

// GradeScore is the customer value grade, A (highest) to E.
type GradeScore struct {
	Grade     string   `json:"grade"`
	Recency   int      `json:"recencyDays"`
	Frequency int      `json:"frequency"`
	Monetary  float64  `json:"monetary"`
	Reasons   []Reason `json:"reasons,omitempty"`
}

// MANScore is a prospect's Money / Authority / Need class and the recommended action.
type MANScore struct {
	Class     string   `json:"class"` // e.g. "M+A+N", "m+A+n"
	Money     bool     `json:"money"`
	Authority bool     `json:"authority"`
	Need      bool     `json:"need"`
	Action    string   `json:"action"`
	ActionZh  string   `json:"actionZh,omitempty"`
	Reasons   []Reason `json:"reasons,omitempty"`
}

// KYCRisk is the customer-identification risk level: "low", "medium" or "high".
type KYCRisk struct {
	Level   string   `json:"level"`
	Reasons []Reason `json:"reasons,omitempty"`
}

// VIPSignal is a potential-VIP signal with the evidence that fired it.
type VIPSignal struct {
	Signal   string            `json:"signal"`
	Evidence map[string]string `json:"evidence,omitempty"`
}
