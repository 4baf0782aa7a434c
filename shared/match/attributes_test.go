package match

import (
	"testing"
	"time"

	"github.com/intake-project/intake/shared/customer"
)

func TestAttributesFollowTheSubmissionPaths(t *testing.T) {
	yes := true
	spend := 880.5
	s := customer.Submission{
		Channel: customer.ChannelCardScan,
		Kind:    customer.KindPerson,
		Person: &customer.Person{
			Name:       "张三",
			BirthDate:  "1949-12-31",
			IDDocument: &customer.IDDocument{Type: customer.DocCNResidentID, Number: "11010519491231002X"},
			Phones:     []string{"13800138000", "13900139000"},
			Address:    &customer.Address{City: "北京", Postcode: "100022"},
		},
		Card: &customer.CardInfo{DiningTier: "premium", SignsBill: &yes, Spend: &spend, Family: []customer.Associate{{Name: "李四", Relation: "spouse"}}},
	}
	prov := customer.Provenance{Channel: customer.ChannelCardScan, SubmissionID: "s1", Verified: true, CollectedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	got := map[string][]string{}
	for _, a := range Attributes(s, prov) {
		if a.Provenance != prov {
			t.Errorf("%s: provenance %+v, want %+v", a.Path, a.Provenance, prov)
		}
		got[a.Path] = append(got[a.Path], a.Value)
	}
	want := map[string][]string{
		"person.name":       {"张三"},
		"person.birthDate":  {"1949-12-31"},
		"person.idDocument": {`{"type":"cn_resident_id","number":"11010519491231002X"}`},
		"person.phones":     {"13800138000", "13900139000"},
		"person.address":    {`{"city":"北京","postcode":"100022"}`},
		"card.diningTier":   {"premium"},
		"card.signsBill":    {"true"},
		"card.spend":        {"880.5"},
		"card.family":       {`{"name":"李四","relation":"spouse"}`},
	}
	for path, vals := range want {
		if len(got[path]) != len(vals) {
			t.Errorf("%s: got %q, want %q", path, got[path], vals)
			continue
		}
		for i := range vals {
			if got[path][i] != vals[i] {
				t.Errorf("%s[%d]: got %q, want %q", path, i, got[path][i], vals[i])
			}
		}
	}
	if len(got) != len(want) {
		t.Errorf("paths %v, want exactly %v", keysOf(got), keysOf(want))
	}
}

func TestAttributesRoundTripThroughMatching(t *testing.T) {
	s := person("欧阳修", "1957-08-01", all(residentID("11010519491231002X"), withContact("13800138000", "ouyang@example.com"), withAddress("建国路88号", "北京", "100022")))
	got := Compare(s, filed("c1", s))
	names, _ := FieldNames()
	for i, level := range got {
		switch names[i] {
		case FieldFamilyName, FieldGivenName, FieldBirthDate, FieldIDNumber, FieldPhone, FieldEmail, FieldStreet, FieldLocality:
			if level != 0 {
				t.Errorf("%s: level %d against its own attributes, want 0", names[i], level)
			}
		default:
			if level != -1 {
				t.Errorf("%s: level %d, want -1 (not given)", names[i], level)
			}
		}
	}
}

func keysOf(m map[string][]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
