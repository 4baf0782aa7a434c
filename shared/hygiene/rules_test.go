package hygiene_test

import (
	"strings"
	"testing"
	"time"

	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/hygiene"
)

// farExpiry is an expiry date no test's clock reaches.
const farExpiry = "2036-01-01"

func TestRefreshReasonsByGradePeriod(t *testing.T) {
	p := hygiene.DefaultPolicy()
	for _, grade := range append(hygiene.Grades, "") {
		key := grade
		if key == "" {
			key = hygiene.Ungraded
		}
		months := p.Refresh.AfterMonths[key]
		tests := []struct {
			name string
			last time.Time
			want []string
		}{
			{"due when the period has just elapsed", now.AddDate(0, -months, 0), []string{hygiene.CodeRefreshPeriod}},
			{"due long after the period", now.AddDate(0, -months-7, 0), []string{hygiene.CodeRefreshPeriod}},
			{"not due a day before the period elapses", now.AddDate(0, -months, 1), nil},
		}
		for _, tc := range tests {
			t.Run(key+"/"+tc.name, func(t *testing.T) {
				c := customerOf("c1", kycPerson(farExpiry), tc.last, grade)
				sameCodes(t, "refresh", p.RefreshReasons(c, now), tc.want)
			})
		}
	}
}

func TestRefreshReasons(t *testing.T) {
	p := hygiene.DefaultPolicy()
	recent := now.AddDate(0, -1, 0)
	person := func(fn func(*customer.Person)) customer.Customer {
		return customerOf("c1", withPerson(kycPerson(farExpiry), fn), recent, "C")
	}
	org := func(fn func(*customer.Organisation)) customer.Customer {
		return customerOf("c1", withOrganisation(kycOrganisation(farExpiry), fn), recent, "C")
	}
	tests := []struct {
		name       string
		c          customer.Customer
		want       []string
		wantDetail string
	}{
		{"a complete, recent customer with a valid document is not due", person(func(*customer.Person) {}), nil, ""},
		{"an identity card that expired yesterday", person(func(p *customer.Person) { p.IDDocument.ExpiresOn = "2026-11-21" }),
			[]string{hygiene.CodeDocumentExpired}, "person.idDocument expired 1 days ago"},
		{"an identity card expiring today is still valid, and expiring", person(func(p *customer.Person) { p.IDDocument.ExpiresOn = "2026-11-22" }),
			[]string{hygiene.CodeDocumentExpiring}, "person.idDocument expires in 0 days; warning 30 days"},
		{"an identity card expiring within the warning days", person(func(p *customer.Person) { p.IDDocument.ExpiresOn = "2026-12-10" }),
			[]string{hygiene.CodeDocumentExpiring}, "person.idDocument expires in 17 days; warning 30 days"},
		{"an identity card expiring exactly the warning days ahead", person(func(p *customer.Person) { p.IDDocument.ExpiresOn = "2026-12-22" }),
			[]string{hygiene.CodeDocumentExpiring}, ""},
		{"an identity card expiring after the warning days", person(func(p *customer.Person) { p.IDDocument.ExpiresOn = "2026-12-23" }), nil, ""},
		{"a card valid for life (9999-12-31)", person(func(p *customer.Person) { p.IDDocument.ExpiresOn = "9999-12-31" }), nil, ""},
		{"a KYC person without an occupation", person(func(p *customer.Person) { p.Occupation = "" }),
			[]string{hygiene.CodeMandatoryMissing}, "missing person.occupation"},
		{"a KYC person without any contact", person(func(p *customer.Person) { p.Phones = nil }),
			[]string{hygiene.CodeMandatoryMissing}, "missing person.phones | person.emails"},
		{"a KYC person with a workplace address instead of a residential one", person(func(p *customer.Person) {
			p.Address = nil
			p.Workplace = &customer.Workplace{Name: "Example Co", Address: &customer.Address{Line1: "3 Example Road", City: "Beijing"}}
		}), nil, ""},
		{"a KYC person with no identity document at all", person(func(p *customer.Person) { p.IDDocument = nil }),
			[]string{hygiene.CodeMandatoryMissing}, "missing person.idDocument.type, person.idDocument.number, person.idDocument.expiresOn"},
		{"a person not of KYC grade may lack identity fields", func() customer.Customer {
			c := person(func(p *customer.Person) { p.Occupation, p.IDDocument = "", nil })
			c.KYCGrade = false
			return c
		}(), nil, ""},
		{"a KYC organisation complete", org(func(*customer.Organisation) {}), nil, ""},
		{"a KYC organisation without its credit code", org(func(o *customer.Organisation) { o.CreditCode = "" }),
			[]string{hygiene.CodeMandatoryMissing}, "missing organisation.creditCode"},
		{"an organisation whose licence expired", org(func(o *customer.Organisation) { o.Licence.ExpiresOn = "2026-10-23" }),
			[]string{hygiene.CodeDocumentExpired}, "organisation.licence expired 30 days ago"},
		{"an organisation whose agent's identity card expired", org(func(o *customer.Organisation) {
			o.Agents = []customer.RelatedPerson{{Name: "agent one", IDDocument: &customer.IDDocument{ExpiresOn: "2040-01-01"}},
				{Name: "agent two", IDDocument: &customer.IDDocument{ExpiresOn: "2026-01-01"}}}
		}), []string{hygiene.CodeDocumentExpired}, "organisation.agents[1].idDocument expired 325 days ago"},
		{"a card customer with every ※ field (signsBill false counts)", customerOf("c1", cardScan(), recent, "C"), nil, ""},
		{"a card customer without signsBill and role", customerOf("c1", func() customer.Submission {
			s := cardScan()
			card := *s.Card
			card.SignsBill, card.Role = nil, ""
			s.Card = &card
			return s
		}(), recent, "C"), []string{hygiene.CodeMandatoryMissing}, "missing card.role, card.signsBill"},
		{"every reason at once, in rule order", func() customer.Customer {
			c := person(func(p *customer.Person) { p.Occupation, p.IDDocument.ExpiresOn = "", "2026-01-01" })
			c.LastActivityAt = now.AddDate(-2, 0, 0)
			return c
		}(), []string{hygiene.CodeRefreshPeriod, hygiene.CodeDocumentExpired, hygiene.CodeMandatoryMissing}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := p.RefreshReasons(tc.c, now)
			sameCodes(t, "refresh", got, tc.want)
			if tc.wantDetail != "" && len(got) > 0 && got[0].Detail != tc.wantDetail {
				t.Errorf("detail %q, want %q", got[0].Detail, tc.wantDetail)
			}
			noPersonalData(t, got)
		})
	}
}

func noPersonalData(t *testing.T, rs []hygiene.Reason) {
	t.Helper()
	for _, r := range rs {
		for _, v := range personalValues {
			if strings.Contains(r.Detail, v) {
				t.Errorf("reason %s detail holds personal data: %q", r.Code, r.Detail)
			}
		}
	}
}

func TestPurgeReasons(t *testing.T) {
	def := hygiene.DefaultPolicy()
	noKYCHold := hygiene.DefaultPolicy()
	noKYCHold.Purge.RetainKYCRecords = false
	withConsent := func(c customer.Customer, days int) customer.Customer {
		c.ConsentWithdrawnAt = ptr(now.AddDate(0, 0, -days))
		return c
	}
	ended := func(c customer.Customer, years, days int) customer.Customer {
		c.RelationshipEndedAt = ptr(now.AddDate(-years, 0, -days))
		return c
	}
	purchased := prospect()
	purchased.Value = &customer.ValueInfo{Stage: "purchased"}
	recent := now.AddDate(0, -1, 0)
	tests := []struct {
		name       string
		p          *hygiene.Policy
		c          customer.Customer
		want       []string
		wantDetail string
	}{
		{"a grade E prospect inactive for 24 months", def, customerOf("c1", prospect(), now.AddDate(0, -24, 0), "E"),
			[]string{hygiene.CodeProspectInactive}, "grade E prospect, no new information for 24 months; policy 24 months"},
		{"a grade D prospect inactive for 30 months", def, customerOf("c1", prospect(), now.AddDate(0, -30, 0), "D"),
			[]string{hygiene.CodeProspectInactive}, ""},
		{"a grade E prospect inactive for 23 months is kept", def, customerOf("c1", prospect(), now.AddDate(0, -23, 0), "E"), nil, ""},
		{"a grade C customer inactive for 36 months is not a prospect", def, customerOf("c1", prospect(), now.AddDate(0, -36, 0), "C"), nil, ""},
		{"an ungraded customer without a purchase is a prospect", def, customerOf("c1", prospect(), now.AddDate(0, -25, 0), ""),
			[]string{hygiene.CodeProspectInactive}, "ungraded prospect, no new information for 25 months; policy 24 months"},
		{"an ungraded customer with a purchase is not a prospect", def, customerOf("c1", purchased, now.AddDate(0, -25, 0), ""), nil, ""},
		{"an ungraded card customer who spent is not a prospect", def, func() customer.Customer {
			s := cardScan()
			card := *s.Card
			card.Spend = ptr(880.0)
			s.Card = &card
			return customerOf("c1", s, now.AddDate(0, -25, 0), "")
		}(), nil, ""},
		{"consent withdrawn 30 days ago", def, withConsent(customerOf("c1", prospect(), recent, "C"), 30),
			[]string{hygiene.CodeConsentWithdrawn}, "consent withdrawn 30 days ago; policy 30 days"},
		{"consent withdrawn 29 days ago is not yet purged", def, withConsent(customerOf("c1", prospect(), recent, "C"), 29), nil, ""},
		{"relationship ended 5 years ago", def, ended(customerOf("c1", kycPerson(farExpiry), recent, "A"), 5, 0),
			[]string{hygiene.CodeRelationshipEnded}, "relationship ended 1826 days ago; retention 5 years"},
		{"relationship ended a day short of 5 years", def, ended(customerOf("c1", kycPerson(farExpiry), recent, "A"), 5, -1), nil, ""},
		{"a KYC customer who withdrew consent is kept while the relationship lasts", def,
			withConsent(customerOf("c1", kycPerson(farExpiry), recent, "A"), 400), nil, ""},
		{"a KYC prospect is kept while the relationship lasts", def, customerOf("c1", kycPerson(farExpiry), now.AddDate(-4, 0, 0), "E"), nil, ""},
		{"a KYC customer who withdrew consent is purged at the end of retention", def,
			ended(withConsent(customerOf("c1", kycPerson(farExpiry), recent, "A"), 400), 5, 0),
			[]string{hygiene.CodeConsentWithdrawn, hygiene.CodeRelationshipEnded}, ""},
		{"a KYC customer within retention after the relationship ended", def,
			ended(withConsent(customerOf("c1", kycPerson(farExpiry), recent, "A"), 400), 1, 0), nil, ""},
		{"without retainKYCRecords a KYC customer's consent withdrawal purges", noKYCHold,
			withConsent(customerOf("c1", kycPerson(farExpiry), recent, "A"), 30), []string{hygiene.CodeConsentWithdrawn}, ""},
		{"every reason at once, in rule order", noKYCHold,
			ended(withConsent(customerOf("c1", prospect(), now.AddDate(-3, 0, 0), "E"), 31), 6, 0),
			[]string{hygiene.CodeProspectInactive, hygiene.CodeConsentWithdrawn, hygiene.CodeRelationshipEnded}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.p.PurgeReasons(tc.c, now)
			sameCodes(t, "purge", got, tc.want)
			if tc.wantDetail != "" && len(got) > 0 && got[0].Detail != tc.wantDetail {
				t.Errorf("detail %q, want %q", got[0].Detail, tc.wantDetail)
			}
			noPersonalData(t, got)
		})
	}
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestDueDates(t *testing.T) {
	p := hygiene.DefaultPolicy()
	last := now.AddDate(0, -2, 0)
	tests := []struct {
		name        string
		c           customer.Customer
		history     []customer.HistoryEntry
		wantRefresh *time.Time
		wantPurge   *time.Time
	}{
		{"a grade A customer is due when its period elapses", customerOf("c1", kycPerson(farExpiry), last, "A"), nil,
			ptr(last.AddDate(0, 6, 0)), nil},
		{"a document's warning date comes first when earlier", customerOf("c1", kycPerson("2027-02-10"), last, "A"), nil,
			ptr(day(2027, time.January, 11)), nil},
		{"an expiring document already flagged is due again when it expires", func() customer.Customer {
			c := customerOf("c1", kycPerson("2026-12-01"), last, "A")
			c.Flag, c.FlagReasons = customer.FlagRefreshDue, []string{hygiene.CodeDocumentExpiring}
			return c
		}(), nil, ptr(day(2026, time.December, 2)), nil},
		{"missing mandatory fields make the customer due at once, from its last submission",
			customerOf("c1", withPerson(kycPerson(farExpiry), func(p *customer.Person) { p.Gender = "" }), last, "A"), nil, ptr(last), nil},
		{"a prospect is due for purge when inactive long enough", customerOf("c1", prospect(), last, "E"), nil,
			ptr(last.AddDate(0, 24, 0)), ptr(last.AddDate(0, 24, 0))},
		{"the earliest purge rule sets the purge date", func() customer.Customer {
			c := customerOf("c1", prospect(), last, "E")
			c.ConsentWithdrawnAt = ptr(now)
			return c
		}(), nil, ptr(last.AddDate(0, 24, 0)), ptr(now.AddDate(0, 0, 30))},
		{"a KYC customer's purge waits for the end of retention", func() customer.Customer {
			c := customerOf("c1", kycPerson(farExpiry), last, "A")
			c.ConsentWithdrawnAt = ptr(now)
			c.RelationshipEndedAt = ptr(now)
			return c
		}(), nil, ptr(last.AddDate(0, 6, 0)), ptr(now.AddDate(5, 0, 0))},
		{"history gives the last activity when the profile has none", func() customer.Customer {
			c := customerOf("c1", prospect(), time.Time{}, "E")
			c.CreatedAt = last.AddDate(-1, 0, 0)
			return c
		}(), []customer.HistoryEntry{{At: last.AddDate(0, -1, 0)}, {At: last}}, ptr(last.AddDate(0, 24, 0)), ptr(last.AddDate(0, 24, 0))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.c
			p.Due(&c, tc.history, now)
			sameTime(t, "RefreshDueAt", c.RefreshDueAt, tc.wantRefresh)
			sameTime(t, "PurgeDueAt", c.PurgeDueAt, tc.wantPurge)
		})
	}
}

func sameTime(t *testing.T, what string, got, want *time.Time) {
	t.Helper()
	switch {
	case got == nil && want == nil:
	case got == nil || want == nil || !got.Equal(*want):
		t.Errorf("%s = %v, want %v", what, fmtTime(got), fmtTime(want))
	}
}

func fmtTime(t *time.Time) string {
	if t == nil {
		return "nil"
	}
	return t.Format(time.RFC3339)
}

// A flag stays only while its reasons hold: a later submission that supplies what was
// missing clears it, and one that fixes only part of it leaves the rest.
func TestDueClearsReasonsThatNoLongerHold(t *testing.T) {
	p := hygiene.DefaultPolicy()
	filed := now.AddDate(0, -3, 0)
	incomplete := withPerson(kycPerson("2026-01-01"), func(p *customer.Person) { p.Occupation = "" })
	tests := []struct {
		name      string
		later     customer.Submission
		wantFlag  customer.Flag
		wantCodes []string
		// wantDue says whether the customer is still due (on the index) at now.
		wantDue bool
	}{
		{"a complete submission with a renewed document clears the flag",
			withPerson(kycPerson("2036-06-30"), func(*customer.Person) {}), customer.FlagNone, nil, false},
		{"supplying the missing field leaves the expired document flagged",
			customer.Submission{Channel: customer.ChannelWebForm, Kind: customer.KindPerson, Person: &customer.Person{Occupation: "teacher"}},
			customer.FlagRefreshDue, []string{hygiene.CodeDocumentExpired}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := customerOf("c1", incomplete, filed, "B")
			c.Flag, c.FlagReasons = customer.FlagRefreshDue, codesOf(p.RefreshReasons(c, now))
			if len(c.FlagReasons) != 2 {
				t.Fatalf("fixture flagged with %v, want two reasons", c.FlagReasons)
			}
			addSubmission(&c, 2, tc.later, now)
			p.Due(&c, nil, now)
			if c.Flag != tc.wantFlag || strings.Join(c.FlagReasons, ",") != strings.Join(tc.wantCodes, ",") {
				t.Errorf("flag %q %v, want %q %v", c.Flag, c.FlagReasons, tc.wantFlag, tc.wantCodes)
			}
			if due := c.RefreshDueAt != nil && !c.RefreshDueAt.After(now); due != tc.wantDue {
				t.Errorf("RefreshDueAt %s: due now %v, want %v", fmtTime(c.RefreshDueAt), due, tc.wantDue)
			}
		})
	}
}

func codesOf(rs []hygiene.Reason) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Code)
	}
	return out
}
