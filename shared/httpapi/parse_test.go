package httpapi

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFormToJSON(t *testing.T) {
	tests := []struct {
		name      string
		form      url.Values
		want      string
		wantPaths []string
	}{
		{
			name: "dotted paths, repeated lists, booleans and numbers",
			form: url.Values{
				"kind": {"person"}, "person.name": {"张三"}, "person.phones": {"1", "", "2"},
				"card.signsBill": {"on"}, "card.spend": {"12.5"}, "kycGrade": {"false"},
				"card.family[1].name": {"b"}, "card.family[0].name": {"a"}, "card.family[0].relation": {"son"},
				"person.address.city": {""},
			},
			want: `{"card":{"family":[{"name":"a","relation":"son"},{"name":"b"}],"signsBill":true,"spend":12.5},"kind":"person","kycGrade":false,"person":{"name":"张三","phones":["1","2"]}}`,
		},
		{
			name:      "unknown fields, bad indexes and bad scalars",
			form:      url.Values{"colour": {"red"}, "person.nick": {"x"}, "card.family[x].name": {"a"}, "person.name[0]": {"a"}, "card.spend": {"NaN"}, "person.name": {"a", "b"}, "person": {"x"}},
			wantPaths: []string{"card.family[x].name", "card.spend", "colour", "person", "person.name", "person.name[0]", "person.nick"},
		},
		{
			name:      "index past the list limit",
			form:      url.Values{"card.family[50].name": {"a"}},
			wantPaths: []string{"card.family[50].name"},
		},
		{
			name: "empty form",
			form: url.Values{"person.name": {""}},
			want: `{}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, errs := formToJSON(tt.form, 50)
			if tt.wantPaths != nil {
				if p := paths(errs); !slices.Equal(p, tt.wantPaths) {
					t.Fatalf("errors at %v, want %v", p, tt.wantPaths)
				}
				return
			}
			if len(errs) > 0 {
				t.Fatalf("errors %v", errs)
			}
			if string(got) != tt.want {
				t.Errorf("got %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestCheckShape(t *testing.T) {
	tests := []struct {
		name      string
		body      string
		wantPaths []string
		malformed bool
	}{
		{"within limits", `{"a":{"b":[1,2,"x"]}}`, nil, false},
		{"too deep reported once at the first level past the limit", `{"a":{"b":{"c":{"d":{}}}}}`, []string{"a.b.c"}, false},
		{"too many items", `{"a":[1,2,3,4]}`, []string{"a"}, false},
		{"long string value in a list", `{"a":["xx","xxxxxx"]}`, []string{"a[1]"}, false},
		{"errors in several places", `{"a":"xxxxxx","b":[[1,2,3,4]]}`, []string{"a", "b[0]"}, false},
		{"not JSON", `{"a":`, nil, true},
		{"two values", `{} {}`, nil, true},
		{"empty", ``, nil, true},
		{"bare scalar", `12`, nil, false},
		{"long member name", `{"xxxxxx":1}`, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs, err := checkShape([]byte(tt.body), 3, 3, 5)
			if tt.malformed {
				if err == nil {
					t.Fatal("malformed body passed")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p := paths(errs); !slices.Equal(p, tt.wantPaths) && (len(p) != 0 || len(tt.wantPaths) != 0) {
				t.Errorf("errors at %v, want %v", p, tt.wantPaths)
			}
		})
	}
}

// FuzzFormToJSON: any form either yields field errors or JSON that the shape check and the
// strict decoder can read.
func FuzzFormToJSON(f *testing.F) {
	f.Add("kind=person&person.name=%E5%BC%A0%E4%B8%89&person.phones=1&person.phones=2")
	f.Add("card.family[0].name=a&card.family[3].relation=b&card.signsBill=on&card.spend=1e3")
	f.Add("person.name[0]=x&colour=red&value.amount=-0")
	f.Add("a.b.c.d.e=1&[=2&]=3&person.=4")
	f.Fuzz(func(t *testing.T, q string) {
		form, err := url.ParseQuery(q)
		if err != nil {
			return
		}
		doc, errs := formToJSON(form, 50)
		if len(errs) > 0 {
			return
		}
		if !json.Valid(doc) {
			t.Fatalf("invalid JSON %s", doc)
		}
		if _, err := checkShape(doc, 8, 50, 1<<20); err != nil {
			t.Fatalf("shape check refused generated JSON %s: %v", doc, err)
		}
		if _, _, err := decodeSubmission(doc); err != nil {
			t.Fatalf("decoder refused generated JSON %s: %v", doc, err)
		}
	})
}

// FuzzCheckShape: the shape check never fails on valid JSON and never accepts invalid JSON.
func FuzzCheckShape(f *testing.F) {
	f.Add(`{"a":[1,{"b":"c"}],"d":null}`)
	f.Add(`[[[[[[[[[[1]]]]]]]]]]`)
	f.Add(`{"a":"` + strings.Repeat("x", 100) + `"}`)
	f.Add(`{"a":`)
	f.Fuzz(func(t *testing.T, body string) {
		_, err := checkShape([]byte(body), 4, 4, 16)
		valid := json.Valid([]byte(body))
		if err == nil && !valid {
			t.Fatalf("accepted invalid JSON %q", body)
		}
		// Only a member name longer than the string limit makes valid JSON malformed here. A
		// name decodes to at most its own length, unless it holds bytes that are not UTF-8,
		// which decode to three-byte replacement characters.
		if err != nil && valid && len(body) <= 16 && utf8.ValidString(body) {
			t.Fatalf("refused valid JSON %q: %v", body, err)
		}
	})
}
