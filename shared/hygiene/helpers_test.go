package hygiene_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/hygiene"
	"github.com/intake-project/intake/shared/store"
	"github.com/intake-project/intake/shared/store/embedded"
)

// now is the fixed clock of every test.
var now = time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC)

func ptr[T any](v T) *T { return &v }

// Personal values of the fixtures, which no report, reason or audit entry may hold.
const (
	personName = "张三"
	personID   = "11010519491231002X"
	personTel  = "+8613800138000"
	orgName    = "北京示例贸易有限公司"
	orgCode    = "91110108551385082Q"
)

var personalValues = []string{personName, personID, personTel, orgName, orgCode}

// kycPerson is a complete submission of a KYC-grade person whose identity card expires on
// expiresOn.
func kycPerson(expiresOn string) customer.Submission {
	return customer.Submission{
		Channel: customer.ChannelStaffEntry, Kind: customer.KindPerson, KYCGrade: true, Verified: true,
		Person: &customer.Person{
			Name: personName, Gender: "male", Nationality: "CN", Occupation: "engineer",
			IDDocument: &customer.IDDocument{Type: customer.DocCNResidentID, Number: personID, ExpiresOn: expiresOn},
			Phones:     []string{personTel},
			Address:    &customer.Address{Line1: "1 Example Road", City: "Beijing", Country: "CN"},
		},
	}
}

// kycOrganisation is a complete submission of a KYC-grade organisation.
func kycOrganisation(licenceExpires string) customer.Submission {
	return customer.Submission{
		Channel: customer.ChannelStaffEntry, Kind: customer.KindOrganisation, KYCGrade: true,
		Organisation: &customer.Organisation{
			Name: orgName, CreditCode: orgCode, BusinessScope: "trade",
			Address: &customer.Address{Line1: "2 Example Road", City: "Beijing", Country: "CN"},
			Licence: &customer.Licence{Name: "business licence", Number: orgCode, ExpiresOn: licenceExpires},
			LegalRepresentative: &customer.RelatedPerson{Name: personName,
				IDDocument: &customer.IDDocument{Type: customer.DocCNResidentID, Number: personID, ExpiresOn: "2040-01-01"}},
			Controller: &customer.RelatedPerson{Name: personName},
		},
	}
}

// cardScan is a card scan with every ※ field.
func cardScan() customer.Submission {
	return customer.Submission{
		Channel: customer.ChannelCardScan, Kind: customer.KindPerson,
		Person: &customer.Person{Name: personName},
		Card: &customer.CardInfo{DiningTier: "business", Frequency: "monthly", Role: "host",
			SignsBill: ptr(false), PatronageReason: "loyal_customer"},
	}
}

// prospect is a web-form enquiry with no purchase.
func prospect() customer.Submission {
	return customer.Submission{
		Channel: customer.ChannelWebForm, Kind: customer.KindPerson,
		Person: &customer.Person{Name: personName, Phones: []string{personTel}},
		Value:  &customer.ValueInfo{Stage: "enquiry"},
	}
}

// customerOf is a customer filed from one submission at time at, graded grade ("" for none).
func customerOf(id string, sub customer.Submission, at time.Time, grade string) customer.Customer {
	subID := id + "-s1"
	c := customer.Customer{
		ID: id, Kind: sub.Kind, KYCGrade: sub.KYCGrade, CreatedAt: at, UpdatedAt: at, Version: 1,
		Attributes:     sub.Attributes(customer.Provenance{Channel: sub.Channel, SubmissionID: subID, Verified: sub.Verified, CollectedAt: at}),
		Submissions:    []string{subID},
		LastActivityAt: at,
	}
	if grade != "" {
		c.Scores = &customer.Scores{RulesVersion: "test", ComputedAt: at, Grade: &customer.GradeScore{Grade: grade}}
	}
	return c
}

// addSubmission files a further submission on the customer at time at.
func addSubmission(c *customer.Customer, n int, sub customer.Submission, at time.Time) {
	subID := fmt.Sprintf("%s-s%d", c.ID, n)
	c.Attributes = append(c.Attributes, sub.Attributes(customer.Provenance{Channel: sub.Channel, SubmissionID: subID, Verified: sub.Verified, CollectedAt: at})...)
	c.Submissions = append(c.Submissions, subID)
	c.LastActivityAt = at
}

func withPerson(sub customer.Submission, fn func(p *customer.Person)) customer.Submission {
	p := *sub.Person
	fn(&p)
	sub.Person = &p
	return sub
}

func withOrganisation(sub customer.Submission, fn func(o *customer.Organisation)) customer.Submission {
	o := *sub.Organisation
	fn(&o)
	sub.Organisation = &o
	return sub
}

func reasonCodes(rs []hygiene.Reason) []string {
	out := []string{}
	for _, r := range rs {
		out = append(out, r.Code)
	}
	return out
}

func sameCodes(t *testing.T, what string, got []hygiene.Reason, want []string) {
	t.Helper()
	if want == nil {
		want = []string{}
	}
	if g := reasonCodes(got); !slices.Equal(g, want) {
		t.Errorf("%s: reason codes %v, want %v (reasons %+v)", what, g, want, got)
	}
}

func openStore(t testing.TB) *embedded.Store {
	t.Helper()
	st, err := embedded.Open(filepath.Join(t.TempDir(), "intake.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return st
}

// file stores the customer as the workflow would after computing its due dates under p.
func file(t testing.TB, st store.Store, p *hygiene.Policy, c customer.Customer, at time.Time) customer.Customer {
	t.Helper()
	p.Due(&c, nil, at)
	subID := c.Submissions[len(c.Submissions)-1]
	sub := store.Submission{
		ID: subID, Status: store.StatusFiled, ReceivedAt: c.LastActivityAt, UpdatedAt: c.LastActivityAt,
		Outcome: &store.Outcome{CustomerID: c.ID, Decision: customer.DecisionNew},
	}
	err := st.File(t.Context(), store.Filing{
		Submission: sub, Customer: c, NewCustomer: true,
		Keys: []customer.LookupKey{{Kind: "test", Hash: "h-" + c.ID, Unique: true}},
		History: customer.HistoryEntry{CustomerID: c.ID, SubmissionID: subID, At: c.LastActivityAt,
			Channel: customer.ChannelStaffEntry, Decision: customer.DecisionNew},
		Audit: store.AuditEntry{ID: "file-" + subID, At: c.LastActivityAt, Actor: "workflow", Action: "submission.filed",
			CustomerID: c.ID, SubmissionID: subID},
	})
	if err != nil {
		t.Fatalf("File %s: %v", c.ID, err)
	}
	return c
}
