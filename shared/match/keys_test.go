package match

import (
	"testing"

	"github.com/intake-project/intake/shared/customer"
)

func sharedKeys(a, b customer.Submission) []KeyValue {
	have := map[KeyValue]bool{}
	for _, k := range Keys(a) {
		have[k] = true
	}
	var out []KeyValue
	for _, k := range Keys(b) {
		if have[k] {
			out = append(out, k)
		}
	}
	return out
}

func TestKeysMeetForTheSamePerson(t *testing.T) {
	tests := []struct {
		name     string
		a, b     customer.Submission
		wantKind string
	}{
		{
			name:     "old and new resident ID cards",
			a:        person("张三", "", residentID("110105491231002")),
			b:        person("张三", "", residentID("11010519491231002X")),
			wantKind: KeyIDDocument,
		},
		{
			name:     "phone written two ways",
			a:        person("", "", func(p *customer.Person) { p.Phones = []string{"138 0013 8000"} }),
			b:        person("", "", func(p *customer.Person) { p.Phones = []string{"+8613800138000"} }),
			wantKind: KeyPhone,
		},
		{
			name:     "email in another case",
			a:        person("", "", func(p *customer.Person) { p.Emails = []string{"Zhang.San@Example.com"} }),
			b:        person("", "", func(p *customer.Person) { p.Emails = []string{"zhang.san@example.com"} }),
			wantKind: KeyEmail,
		},
		{
			name:     "Chinese name as written and in pinyin",
			a:        person("单田芳", "1934-07-17", nil),
			b:        person("", "1934-07-17", func(p *customer.Person) { p.GivenName, p.FamilyName = "Tianfang", "Shan" }),
			wantKind: KeyNameDate,
		},
		{
			name:     "given and family names swapped",
			a:        person("", "1968-07-27", func(p *customer.Person) { p.GivenName, p.FamilyName = "Gerd", "Bauer" }),
			b:        person("", "1968-07-27", func(p *customer.Person) { p.GivenName, p.FamilyName = "Bauer", "Gerd" }),
			wantKind: KeyNamesYear,
		},
		{
			name:     "typo in the family name, birth day slipped",
			a:        person("Karl Klein", "2002-06-20", nil),
			b:        person("Karl Kleibn", "2002-06-29", nil),
			wantKind: KeyNameMonth,
		},
		{
			name:     "birth year and day both wrong",
			a:        person("Erika Weber", "1995-02-01", nil),
			b:        person("Erika Weber", "1992-02-29", nil),
			wantKind: KeyNamesMonth,
		},
		{
			name:     "names changed, same birth date and street",
			a:        person("Amber White", "1969-09-05", withAddress("1 Shackleton Circuit", "Hackham", "6770")),
			b:        person("Amger Brangwen", "1969-09-05", withAddress("1 Shackleton Circuit", "Hackham", "6707")),
			wantKind: KeyDateStreet,
		},
		{
			name:     "same organisation credit code",
			a:        customer.Submission{Kind: customer.KindOrganisation, Organisation: &customer.Organisation{CreditCode: "91110000600037341L"}},
			b:        customer.Submission{Kind: customer.KindOrganisation, Organisation: &customer.Organisation{CreditCode: "91110000 600037341l"}},
			wantKind: KeyCreditCode,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			found := false
			for _, k := range sharedKeys(tt.a, tt.b) {
				found = found || k.Kind == tt.wantKind
			}
			if !found {
				t.Errorf("no shared %s key; a has %v, b has %v", tt.wantKind, Keys(tt.a), Keys(tt.b))
			}
		})
	}
}

func TestKeysMarkIdentifiersUnique(t *testing.T) {
	s := person("张三", "1949-12-31", all(residentID("11010519491231002X"), withContact("13800138000", "a@example.com"), withAddress("建国路88号", "北京", "100022")))
	unique := map[string]bool{KeyIDDocument: true, KeyPhone: true, KeyEmail: true}
	kinds := map[string]bool{}
	for _, k := range Keys(s) {
		kinds[k.Kind] = true
		if k.Unique != unique[k.Kind] {
			t.Errorf("key %s unique = %v, want %v", k.Kind, k.Unique, unique[k.Kind])
		}
	}
	for _, want := range []string{KeyIDDocument, KeyPhone, KeyEmail, KeyHanNameDate, KeyNameDate, KeyDatePost} {
		if !kinds[want] {
			t.Errorf("no %s key among %v", want, kinds)
		}
	}
}

func TestKeysOfDifferentPeopleDoNotMeet(t *testing.T) {
	a := person("Anna Müller", "1970-03-04", all(withAddress("12 Old Road", "Hamburg", "20095"), withContact("+49 40 1234567", "anna@example.de")))
	b := person("Bert Brecht", "1898-02-10", all(withAddress("5 Chausseestraße", "Berlin", "10115"), withContact("+49 30 7654321", "bert@example.de")))
	if shared := sharedKeys(a, b); len(shared) > 0 {
		t.Errorf("unrelated people share keys %v", shared)
	}
}

func TestKeysOfAnEmptySubmission(t *testing.T) {
	if k := Keys(customer.Submission{Kind: customer.KindPerson}); len(k) != 0 {
		t.Errorf("keys %v for an empty submission", k)
	}
}
