package hygiene

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/intake-project/intake/shared/customer"
)

// Reason codes. They are stable: FlagReasons and audit entries hold them, and
// docs/hygiene.md lists them.
const (
	// Refresh reasons.
	CodeRefreshPeriod    = "refresh_period_elapsed"
	CodeDocumentExpired  = "id_document_expired"
	CodeDocumentExpiring = "id_document_expiring"
	CodeMandatoryMissing = "mandatory_missing"
	// Purge reasons.
	CodeProspectInactive  = "prospect_inactive"
	CodeConsentWithdrawn  = "consent_withdrawn"
	CodeRelationshipEnded = "relationship_ended"
)

// Reason is one rule that holds for a customer. Detail says why in words and numbers, never
// with personal data: field paths, grades, day and month counts, policy settings.
type Reason struct {
	Code   string `json:"code"`
	Detail string `json:"detail"`
}

// event is a rule's date for one customer: the rule holds from At on.
type event struct {
	Reason
	At time.Time
}

// facts are what the rules read from a customer.
type facts struct {
	c            *customer.Customer
	view         view
	lastActivity time.Time
	grade        string
	purchased    bool
	cardCustomer bool
}

func factsOf(c *customer.Customer, history []customer.HistoryEntry) facts {
	f := facts{c: c, view: viewOf(c.Attributes), lastActivity: c.LastActivityAt}
	for _, h := range history {
		if h.At.After(f.lastActivity) {
			f.lastActivity = h.At
		}
	}
	if f.lastActivity.IsZero() {
		f.lastActivity = c.CreatedAt
	}
	if c.Scores != nil && c.Scores.Grade != nil {
		f.grade = c.Scores.Grade.Grade
	}
	for _, a := range c.Attributes {
		switch {
		case a.Path == "value.stage" && a.Value == "purchased":
			f.purchased = true
		case a.Path == "value.purchaseTotal" || a.Path == "card.spend":
			if n, err := strconv.ParseFloat(a.Value, 64); err == nil && n > 0 {
				f.purchased = true
			}
		}
		if a.Channel == customer.ChannelCardScan || strings.HasPrefix(a.Path, "card.") {
			f.cardCustomer = true
		}
	}
	return f
}

func gradeName(g string) string {
	if g == "" {
		return Ungraded
	}
	return "grade " + g
}

// refreshEvents lists the dates of every refresh rule for the customer as things stand at
// now: rules that already hold (At not after now) and the next date each other rule will.
func (p *Policy) refreshEvents(f facts, now time.Time) []event {
	var out []event
	key := f.grade
	if _, ok := p.Refresh.AfterMonths[key]; !ok || key == "" {
		key = Ungraded
	}
	if months, ok := p.Refresh.AfterMonths[key]; ok && !f.lastActivity.IsZero() {
		out = append(out, event{At: f.lastActivity.AddDate(0, months, 0), Reason: Reason{
			Code:   CodeRefreshPeriod,
			Detail: fmt.Sprintf("%s: no new information for %d months; policy %d months", gradeName(f.grade), monthsBetween(f.lastActivity, now), months),
		}})
	}
	for _, path := range p.Refresh.Documents {
		for _, doc := range f.view.lookup(path) {
			out = append(out, p.documentEvents(doc, now)...)
		}
	}
	if missing := p.missing(f); len(missing) > 0 {
		// Missing fields make the customer due at once; dating that from the last submission
		// rather than now keeps the date stable, so recomputing it changes nothing.
		at := now
		if !f.lastActivity.IsZero() && f.lastActivity.Before(now) {
			at = f.lastActivity
		}
		out = append(out, event{At: at, Reason: Reason{
			Code: CodeMandatoryMissing, Detail: "missing " + strings.Join(missing, ", "),
		}})
	}
	return out
}

// documentEvents: a document is expiring from warnDays before its expiry date and expired
// from the day after it (it is valid through its expiry day). Dates are UTC days.
func (p *Policy) documentEvents(doc found, now time.Time) []event {
	m, ok := doc.value.(map[string]any)
	if !ok {
		return nil
	}
	text, _ := m["expiresOn"].(string)
	d, err := customer.ParseExpiryDate(text)
	if err != nil {
		return nil
	}
	expiresOn := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
	expired := event{At: expiresOn.AddDate(0, 0, 1), Reason: Reason{
		Code:   CodeDocumentExpired,
		Detail: fmt.Sprintf("%s expired %d days ago", doc.label, daysBetween(expiresOn, now)),
	}}
	if !expired.At.After(now) {
		return []event{expired}
	}
	expiring := event{At: expiresOn.AddDate(0, 0, -p.Refresh.DocumentWarnDays), Reason: Reason{
		Code:   CodeDocumentExpiring,
		Detail: fmt.Sprintf("%s expires in %d days; warning %d days", doc.label, daysBetween(now, expiresOn), p.Refresh.DocumentWarnDays),
	}}
	return []event{expiring, expired}
}

// missing lists the mandatory fields the customer lacks, by the lists that apply to it.
func (p *Policy) missing(f facts) []string {
	var lists [][]Requirement
	if f.c.KYCGrade && f.c.Kind == customer.KindPerson {
		lists = append(lists, p.Refresh.Mandatory.KYCPerson)
	}
	if f.c.KYCGrade && f.c.Kind == customer.KindOrganisation {
		lists = append(lists, p.Refresh.Mandatory.KYCOrganisation)
	}
	if f.cardCustomer {
		lists = append(lists, p.Refresh.Mandatory.Card)
	}
	var out []string
	for _, list := range lists {
		for _, req := range list {
			if !slices.ContainsFunc(req, f.view.has) && !slices.Contains(out, req.String()) {
				out = append(out, req.String())
			}
		}
	}
	return out
}

// isProspect: a customer whose grade is one of the prospect grades, or an ungraded customer
// with no purchase on file. Grades above the prospect grades can come from influence without
// a purchase, and those customers are kept.
func (p *Policy) isProspect(f facts) bool {
	if f.grade == "" {
		return !f.purchased
	}
	return slices.Contains(p.Purge.ProspectGrades, f.grade)
}

// purgeEvents lists the date of every purge rule that applies to the customer.
func (p *Policy) purgeEvents(f facts, now time.Time) []event {
	c := f.c
	var out []event
	if p.isProspect(f) && !f.lastActivity.IsZero() {
		out = append(out, event{At: f.lastActivity.AddDate(0, p.Purge.ProspectInactiveMonths, 0), Reason: Reason{
			Code: CodeProspectInactive,
			Detail: fmt.Sprintf("%s prospect, no new information for %d months; policy %d months",
				gradeName(f.grade), monthsBetween(f.lastActivity, now), p.Purge.ProspectInactiveMonths),
		}})
	}
	if c.ConsentWithdrawnAt != nil {
		out = append(out, event{At: c.ConsentWithdrawnAt.AddDate(0, 0, p.Purge.ConsentWithdrawnDays), Reason: Reason{
			Code:   CodeConsentWithdrawn,
			Detail: fmt.Sprintf("consent withdrawn %d days ago; policy %d days", daysBetween(*c.ConsentWithdrawnAt, now), p.Purge.ConsentWithdrawnDays),
		}})
	}
	var retainedUntil time.Time
	if c.RelationshipEndedAt != nil {
		retainedUntil = c.RelationshipEndedAt.AddDate(p.Purge.RelationshipEndedYears, 0, 0)
		out = append(out, event{At: retainedUntil, Reason: Reason{
			Code:   CodeRelationshipEnded,
			Detail: fmt.Sprintf("relationship ended %d days ago; retention %d years", daysBetween(*c.RelationshipEndedAt, now), p.Purge.RelationshipEndedYears),
		}})
	}
	if p.Purge.RetainKYCRecords && c.KYCGrade {
		if retainedUntil.IsZero() {
			return nil
		}
		for i := range out {
			if out[i].At.Before(retainedUntil) {
				out[i].At = retainedUntil
			}
		}
	}
	return out
}

// holding keeps the events that hold at now, as reasons.
func holding(events []event, now time.Time) []Reason {
	var out []Reason
	for _, e := range events {
		if !e.At.After(now) {
			out = append(out, e.Reason)
		}
	}
	return out
}

// RefreshReasons lists why the customer is due for refresh at now; none when it is not.
func (p *Policy) RefreshReasons(c customer.Customer, now time.Time) []Reason {
	return holding(p.refreshEvents(factsOf(&c, nil), now), now)
}

// PurgeReasons lists why the customer's data is to be purged at now; none when it is not.
func (p *Policy) PurgeReasons(c customer.Customer, now time.Time) []Reason {
	f := factsOf(&c, nil)
	return holding(p.purgeEvents(f, now), now)
}

// Due sets the customer's due dates from the policy, and drops refresh reasons that no longer
// hold: the flag goes when none is left. Call it after every change to a customer (filing,
// update, consent withdrawal, relationship end); history, when given, is the customer's whole
// history, else the customer's LastActivityAt stands for it.
//
// RefreshDueAt is the earliest date at which a refresh reason holds that the customer is not
// yet flagged with: a reason the sweep has flagged does not bring it back to the index, so the
// sweep reads each customer once per new reason. PurgeDueAt is the earliest date of any purge
// rule that applies. Either is nil when no date applies.
func (p *Policy) Due(c *customer.Customer, history []customer.HistoryEntry, now time.Time) {
	f := factsOf(c, history)
	events := p.refreshEvents(f, now)
	holds := map[string]bool{}
	for _, r := range holding(events, now) {
		holds[r.Code] = true
	}
	if c.Flag == customer.FlagRefreshDue {
		c.FlagReasons = slices.DeleteFunc(slices.Clone(c.FlagReasons), func(code string) bool { return !holds[code] })
		if len(c.FlagReasons) == 0 {
			c.Flag, c.FlagReasons = customer.FlagNone, nil
		}
	}
	flagged := map[string]bool{}
	if c.Flag == customer.FlagRefreshDue {
		for _, code := range c.FlagReasons {
			flagged[code] = true
		}
	}
	var next []time.Time
	for _, e := range events {
		if !e.At.After(now) && flagged[e.Code] {
			continue
		}
		next = append(next, e.At)
	}
	c.RefreshDueAt = earliest(next)
	var purge []time.Time
	for _, e := range p.purgeEvents(f, now) {
		purge = append(purge, e.At)
	}
	c.PurgeDueAt = earliest(purge)
}

func earliest(ts []time.Time) *time.Time {
	if len(ts) == 0 {
		return nil
	}
	first := slices.MinFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	return &first
}

func codes(reasons []Reason) []string {
	out := make([]string, 0, len(reasons))
	for _, r := range reasons {
		if !slices.Contains(out, r.Code) {
			out = append(out, r.Code)
		}
	}
	return out
}

// monthsBetween counts whole calendar months from a to b (0 when b is before a).
func monthsBetween(a, b time.Time) int {
	n := (b.Year()-a.Year())*12 + int(b.Month()) - int(a.Month())
	for n > 0 && a.AddDate(0, n, 0).After(b) {
		n--
	}
	return max(n, 0)
}

// daysBetween counts whole days from a to b (0 when b is before a).
func daysBetween(a, b time.Time) int {
	return max(int(b.Sub(a)/(24*time.Hour)), 0)
}
