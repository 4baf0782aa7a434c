package customer

import (
	"reflect"
	"testing"
	"time"
)

func ptr[T any](v T) *T { return &v }

func TestAttributesRoundTripThroughView(t *testing.T) {
	s := Submission{
		Channel: ChannelCardScan,
		Kind:    KindPerson,
		Person: &Person{
			Name:       "张三",
			BirthDate:  "1949-12-31",
			Occupation: "2024", // text that looks like a number stays text
			IDDocument: &IDDocument{Type: DocCNResidentID, Number: "11010519491231002X"},
			Phones:     []string{"+8613800138000", "+861065529988"},
			Address:    &Address{City: "北京", Postcode: "100000"},
		},
		Card: &CardInfo{
			DiningTier: "premium", Role: "host", SignsBill: ptr(false), Spend: ptr(1280.5),
			SpecialDates: []SpecialDate{{Kind: "birthday", Date: "--05-01"}},
		},
		Interests: []string{"fx", "private_banking"},
	}
	prov := Provenance{Channel: ChannelCardScan, SubmissionID: "s1", CollectedAt: time.Unix(1, 0)}
	attrs := s.Attributes(prov)

	paths := map[string]int{}
	for _, a := range attrs {
		paths[a.Path]++
		if a.SubmissionID != "s1" {
			t.Fatalf("attribute %s lost its provenance", a.Path)
		}
	}
	for path, want := range map[string]int{"person.phones": 2, "person.idDocument": 1, "card.specialDates": 1, "interests": 2, "card.signsBill": 1} {
		if paths[path] != want {
			t.Errorf("%s: %d attributes, want %d", path, paths[path], want)
		}
	}

	got := View(attrs)
	want := s
	want.Channel, want.Kind = "", ""
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("view differs:\n got %+v\nwant %+v", got, want)
	}
}

func TestViewSurvivorship(t *testing.T) {
	old := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	newer := old.AddDate(1, 0, 0)
	attr := func(path, value string, verified bool, at time.Time, sub string) Attribute {
		return Attribute{Path: path, Value: value, Provenance: Provenance{Verified: verified, CollectedAt: at, SubmissionID: sub}}
	}
	tests := []struct {
		name  string
		attrs []Attribute
		want  string
	}{
		{"newer beats older", []Attribute{attr("person.occupation", "teacher", false, old, "a"), attr("person.occupation", "banker", false, newer, "b")}, "banker"},
		{"verified beats newer unverified", []Attribute{attr("person.occupation", "teacher", true, old, "a"), attr("person.occupation", "banker", false, newer, "b")}, "teacher"},
		{"newest verified wins", []Attribute{attr("person.occupation", "teacher", true, old, "a"), attr("person.occupation", "banker", true, newer, "b")}, "banker"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := View(tt.attrs).Person.Occupation; got != tt.want {
				t.Fatalf("occupation = %q, want %q", got, tt.want)
			}
		})
	}

	phones := View([]Attribute{
		attr("person.phones", "+8613800138000", false, old, "a"),
		attr("person.phones", "+8613900139000", true, newer, "b"),
		attr("person.phones", "+8613800138000", false, newer, "c"),
	}).Person.Phones
	if want := []string{"+8613900139000", "+8613800138000"}; !reflect.DeepEqual(phones, want) {
		t.Fatalf("phones = %v, want %v (all distinct values, best first)", phones, want)
	}
}

func TestBySubmissionRebuildsEachCardScan(t *testing.T) {
	first := Submission{Card: &CardInfo{DiningTier: "business", Spend: ptr(300.0)}}
	second := Submission{Card: &CardInfo{DiningTier: "luxury", Spend: ptr(900.0)}, Person: &Person{Name: "李四"}}
	var attrs []Attribute
	attrs = append(attrs, second.Attributes(Provenance{SubmissionID: "b", CollectedAt: time.Unix(20, 0)})...)
	attrs = append(attrs, first.Attributes(Provenance{SubmissionID: "a", CollectedAt: time.Unix(10, 0)})...)

	cards := BySubmission(attrs, "card")
	if len(cards) != 2 {
		t.Fatalf("%d card groups, want 2", len(cards))
	}
	if cards[0].Submission.Card.DiningTier != "business" || *cards[1].Submission.Card.Spend != 900 || cards[1].SubmissionID != "b" {
		t.Fatalf("groups out of order or mixed: %+v %+v", cards[0], cards[1])
	}
	if cards[1].Submission.Person != nil {
		t.Fatal("a card group carried person attributes")
	}
}
