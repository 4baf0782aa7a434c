package match

import (
	"testing"

	"github.com/intake-project/intake/shared/customer"
)

func withContact(phone, email string) func(p *customer.Person) {
	return func(p *customer.Person) {
		p.Phones = []string{phone}
		p.Emails = []string{email}
	}
}

func withAddress(line1, city, postcode string) func(p *customer.Person) {
	return func(p *customer.Person) {
		p.Address = &customer.Address{Line1: line1, City: city, Postcode: postcode, Country: "CN"}
	}
}

func all(edits ...func(p *customer.Person)) func(p *customer.Person) {
	return func(p *customer.Person) {
		for _, e := range edits {
			e(p)
		}
	}
}

func TestDecide(t *testing.T) {
	zhang := person("张三", "1949-12-31", all(residentID("11010519491231002X"), withContact("13800138000", "zhangsan@example.com"), withAddress("朝阳区建国路88号", "北京", "100022")))
	tests := []struct {
		name       string
		sub        customer.Submission
		candidates []customer.Customer
		want       customer.Decision
		wantID     string
		wantNote   string
	}{
		{
			name:       "no candidates is new",
			sub:        zhang,
			candidates: nil,
			want:       customer.DecisionNew,
			wantNote:   NoteNoCandidates,
		},
		{
			name:       "same person typed again is a match",
			sub:        person("张三", "1949-12-31", all(residentID("110105 19491231 002x"), withContact("+86 138 0013 8000", "ZhangSan@example.com"))),
			candidates: []customer.Customer{filed("c1", zhang)},
			want:       customer.DecisionMatch,
			wantID:     "c1",
		},
		{
			name:       "old 15-digit card of the same person matches",
			sub:        person("张三", "1949-12-31", residentID("110105491231002")),
			candidates: []customer.Customer{filed("c1", zhang)},
			want:       customer.DecisionMatch,
			wantID:     "c1",
		},
		{
			name:       "name in pinyin, day and month slipped, same phone",
			sub:        person("", "1949-12-13", all(func(p *customer.Person) { p.GivenName, p.FamilyName = "San", "Zhang" }, withContact("13800138000", "other@example.com"))),
			candidates: []customer.Customer{filed("c1", zhang)},
			want:       customer.DecisionMatch,
			wantID:     "c1",
		},
		{
			name:       "conflicting valid resident IDs veto a merge",
			sub:        person("张三", "1949-12-31", all(residentID("110105194912310038"), withContact("13800138000", "zhangsan@example.com"), withAddress("朝阳区建国路88号", "北京", "100022"))),
			candidates: []customer.Customer{filed("c1", zhang)},
			want:       customer.DecisionPossible,
			wantID:     "c1",
			wantNote:   NoteVeto,
		},
		{
			name:       "the name alone never merges",
			sub:        person("张三", "", nil),
			candidates: []customer.Customer{filed("c1", zhang)},
			want:       customer.DecisionPossible,
			wantID:     "c1",
			wantNote:   NoteNameOnly,
		},
		{
			name:       "name and birth date merge",
			sub:        person("张三", "1949-12-31", nil),
			candidates: []customer.Customer{filed("c1", zhang)},
			want:       customer.DecisionMatch,
			wantID:     "c1",
		},
		{
			name:       "name with a different birth date is left for review",
			sub:        person("张三", "1971-05-17", nil),
			candidates: []customer.Customer{filed("c1", zhang)},
			want:       customer.DecisionPossible,
			wantID:     "c1",
		},
		{
			name:       "a relative at the same address is not merged",
			sub:        person("张小明", "1978-06-01", withAddress("朝阳区建国路88号", "北京", "100022")),
			candidates: []customer.Customer{filed("c1", zhang)},
			want:       customer.DecisionPossible,
			wantID:     "c1",
			wantNote:   NoteAddressOnly,
		},
		{
			name:       "a homophone picked by a pinyin input method still matches",
			sub:        person("章山", "1949-12-31", nil),
			candidates: []customer.Customer{filed("c1", zhang)},
			want:       customer.DecisionMatch,
			wantID:     "c1",
		},
		{
			name:       "someone else is new",
			sub:        person("李四", "1980-01-02", withContact("13900139000", "lisi@example.com")),
			candidates: []customer.Customer{filed("c1", zhang)},
			want:       customer.DecisionNew,
			wantID:     "c1",
		},
		{
			name: "a value the customer had before still counts",
			sub:  person("Anna Müller", "1970-03-04", all(withAddress("12 Old Road", "Hamburg", "20095"), withContact("+49 40 1234567", "anna@example.de"))),
			candidates: []customer.Customer{filed("c2",
				person("Anna Müller", "1970-03-04", all(withAddress("12 Old Road", "Hamburg", "20095"), withContact("+49 40 1234567", "anna@example.de"))),
				person("Anna Mueller", "1970-03-04", withAddress("5 New Street", "Berlin", "10115")),
			)},
			want:   customer.DecisionMatch,
			wantID: "c2",
		},
		{
			name: "best of several candidates is chosen",
			sub:  person("Anna Müller", "1970-03-04", withAddress("5 New Street", "Berlin", "10115")),
			candidates: []customer.Customer{
				filed("c3", person("Anna Müller", "1971-08-09", withAddress("9 Other Way", "Köln", "50667"))),
				filed("c4", person("Anna Mueller", "1970-03-04", withAddress("5 New Street", "Berlin", "10115"))),
			},
			want:   customer.DecisionMatch,
			wantID: "c4",
		},
		{
			name:       "organisations are not compared with people",
			sub:        customer.Submission{Kind: customer.KindOrganisation, Organisation: &customer.Organisation{Name: "张三"}},
			candidates: []customer.Customer{filed("c1", zhang)},
			want:       customer.DecisionNew,
			wantNote:   NoteNoCandidates,
		},
		{
			name: "organisation with the same credit code matches",
			sub:  customer.Submission{Kind: customer.KindOrganisation, Organisation: &customer.Organisation{Name: "北京某某科技有限公司", CreditCode: "91110108551385082q"}},
			candidates: []customer.Customer{filed("o1", customer.Submission{Kind: customer.KindOrganisation, Organisation: &customer.Organisation{
				Name: "北京某某科技有限公司", CreditCode: "91110108551385082Q",
			}})},
			want:   customer.DecisionMatch,
			wantID: "o1",
		},
	}
	m := defaultMatcher(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := m.Decide(tt.sub, tt.candidates)
			if res.Decision != tt.want || res.CustomerID != tt.wantID {
				t.Errorf("got %s on %q (total %.2f, fields %+v), want %s on %q", res.Decision, res.CustomerID, res.Explanation.Total, res.Explanation.Fields, tt.want, tt.wantID)
			}
			if res.Explanation.Note != tt.wantNote {
				t.Errorf("note %q, want %q", res.Explanation.Note, tt.wantNote)
			}
		})
	}
}

func TestDecideExplainsTheDecision(t *testing.T) {
	m := defaultMatcher(t)
	known := person("Anna Müller", "1970-03-04", all(withAddress("12 Old Road", "Hamburg", "20095"), withContact("+49 40 1234567", "anna@example.de")))
	sub := person("Anna Mueller", "1970-03-04", withAddress("12 Old Road", "Hamburg", "20095"))
	res := m.Decide(sub, []customer.Customer{filed("c1", known), filed("c2", person("Bert Brecht", "1898-02-10", nil))})
	exp := res.Explanation
	if exp.RulesVersion != m.Rules().Version || exp.RulesVersion == "" {
		t.Errorf("rules version %q, want %q", exp.RulesVersion, m.Rules().Version)
	}
	if exp.Upper != m.Rules().Thresholds.Match || exp.Lower != m.Rules().Thresholds.Possible {
		t.Errorf("thresholds %v/%v, want the rules' %+v", exp.Upper, exp.Lower, m.Rules().Thresholds)
	}
	if exp.Candidates != 2 || exp.CandidateID != "c1" {
		t.Errorf("candidates %d, best %q; want 2, c1", exp.Candidates, exp.CandidateID)
	}
	outcomes := map[string]string{}
	sum := 0.0
	for _, f := range exp.Fields {
		outcomes[f.Field] = f.Outcome
		sum += f.Weight
	}
	want := map[string]string{
		FieldFamilyName: "partial", FieldGivenName: "agree", FieldBirthDate: "agree",
		FieldStreet: "agree", FieldLocality: "agree",
	}
	for f, o := range want {
		if outcomes[f] != o {
			t.Errorf("field %s outcome %q, want %q (all: %v)", f, outcomes[f], o, outcomes)
		}
	}
	if _, ok := outcomes[FieldPhone]; ok {
		t.Errorf("phone was compared although the submission has none")
	}
	if diff := sum - exp.Total; diff > 0.05 || diff < -0.05 {
		t.Errorf("field weights sum to %.2f, total is %.2f", sum, exp.Total)
	}
}

func TestVetoNeedsTwoValidDifferentResidentIDs(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		veto bool
	}{
		{"different valid numbers", "11010519491231002X", "110105194912310038", true},
		{"same number, old and new form", "110105491231002", "11010519491231002X", false},
		{"one number fails its check", "11010519491231002X", "110105194912310021", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := submissionProfile(person("张三", "", residentID(tt.a)))
			b := submissionProfile(person("张三", "", residentID(tt.b)))
			if got := vetoed(a, b); got != tt.veto {
				t.Errorf("vetoed = %v, want %v", got, tt.veto)
			}
		})
	}
}

func TestHomophonesAreCloseNotEqual(t *testing.T) {
	a := submissionProfile(person("章叁", "", nil))
	b := submissionProfile(person("张三", "", nil))
	for _, family := range []bool{true, false} {
		if o := compareNames(a, b, family); o.level != 1 {
			t.Errorf("family=%v: level %d, want 1 (close)", family, o.level)
		}
	}
}
