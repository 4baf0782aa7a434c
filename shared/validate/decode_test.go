package validate

import (
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/intake-project/intake/shared/customer"
)

func TestDecodeReportsEveryUnknownAndMistypedField(t *testing.T) {
	in := `{
		"channel": "web_form", "kind": "person", "politicalViews": "x", "colour": "blue",
		"person": {"name": "张三", "religion": "x", "phones": ["13800138000", 13900139000],
			"idDocument": {"type": "passport", "number": "E12345678", "photo": "..."},
			"Emails": ["a@example.com"]},
		"card": {"signsBill": "yes", "family": [{"name": "李小四"}, {"name": "王", "age": 7}]},
		"value": {"amount": "100"},
		"receivedAt": "yesterday",
		"consent": ["marketing"],
		"interests": "fx"
	}`
	s, errs, err := Decode(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []issue{
		{"receivedAt", CodeTimeFormat},
		{"person.idDocument.photo", CodeUnknownField},
		{"person.phones[1]", CodeInvalidType},
		{"person.Emails", CodeUnknownField},
		{"person.religion", CodeSensitiveData},
		{"consent", CodeInvalidType},
		{"card.signsBill", CodeInvalidType},
		{"card.family[1].age", CodeUnknownField},
		{"value.amount", CodeInvalidType},
		{"interests", CodeInvalidType},
		{"colour", CodeUnknownField},
		{"politicalViews", CodeSensitiveData},
	}
	if got := issues(errs); !slices.Equal(got, want) {
		t.Fatalf("errors\n got %v\nwant %v", got, want)
	}
	if s.Person == nil || s.Person.Name != "张三" || s.Person.IDDocument.Number != "E12345678" ||
		len(s.Card.Family) != 2 || s.Card.Family[1].Name != "王" || s.Consent != nil || s.Card.SignsBill != nil {
		t.Errorf("the fields that were right were not all kept: %+v", s)
	}
	if !slices.Equal(s.Person.Phones, []string{"13800138000", ""}) {
		t.Errorf("list positions not kept: %q", s.Person.Phones)
	}
	for _, e := range errs {
		if e.Message == "" || e.Zh == "" || strings.Contains(e.Message, "%") || strings.Contains(e.Zh, "%") || strings.Contains(e.Zh, " a ") {
			t.Errorf("%s: incomplete message %q / %q", e.Path, e.Message, e.Zh)
		}
	}
}

func TestDecodeSensitiveNamesInAnySpelling(t *testing.T) {
	for _, key := range []string{"religion", "Religion", "political_views", "POLITICAL-VIEWS", "ethnicity", "宗教信仰", "政治面貌", "healthData"} {
		_, errs, err := Decode(strings.NewReader(`{"person": {"` + key + `": "x"}}`))
		if err != nil {
			t.Fatal(err)
		}
		if got := issues(errs); !slices.Equal(got, []issue{{"person." + key, CodeSensitiveData}}) {
			t.Errorf("%s: got %v", key, got)
		}
	}
}

func TestDecodeMatchesStandardDecodingOfValidInput(t *testing.T) {
	b, err := os.ReadFile("testdata/valid.json")
	if err != nil {
		t.Fatal(err)
	}
	got, errs, err := Decode(strings.NewReader(string(b)))
	if err != nil || len(errs) > 0 {
		t.Fatalf("err %v, field errors %v", err, issues(errs))
	}
	var want customer.Submission
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Decode\n got %+v\nwant %+v", got, want)
	}
	if res := (Rules{Now: testNow}).Check(got); !res.Valid() {
		t.Errorf("sample submission is invalid: %v", issues(res.Errors))
	}
}

func TestDecodeRootMustBeAnObject(t *testing.T) {
	for _, in := range []string{`[]`, `"x"`, `42`, `null`} {
		_, errs, err := Decode(strings.NewReader(in))
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if in == "null" {
			if len(errs) != 0 {
				t.Errorf("null: %v", issues(errs))
			}
			continue
		}
		if got := issues(errs); !slices.Equal(got, []issue{{"", CodeInvalidType}}) {
			t.Errorf("%s: got %v", in, got)
		}
	}
}

func TestDecodeUnreadableInput(t *testing.T) {
	tests := map[string]string{
		"not JSON":         `channel=web_form`,
		"truncated":        `{"channel": "web_form"`,
		"empty":            ``,
		"two values":       `{} {}`,
		"trailing garbage": `{"kind": "person"} x`,
		"bad escape":       `{"kind": "\q"}`,
	}
	for name, in := range tests {
		t.Run(name, func(t *testing.T) {
			_, _, err := Decode(strings.NewReader(in))
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("err = %v, want ErrMalformed", err)
			}
			if strings.Contains(err.Error(), "web_form") || strings.Contains(err.Error(), "person") {
				t.Errorf("error quotes the input: %v", err)
			}
		})
	}
	readErr := errors.New("disk gone")
	if _, _, err := Decode(iotest.ErrReader(readErr)); !errors.Is(err, readErr) || errors.Is(err, ErrMalformed) {
		t.Errorf("read failure: %v", err)
	}
}

func TestCheckJSONReportsDecodeAndRuleErrorsOnce(t *testing.T) {
	in := `{"channel": "web_form", "kind": "person",
		"person": {"name": 7, "phones": ["123", 5], "hobby": "golf"},
		"consent": {"purposes": ["marketing"], "givenAt": "2025-05-01T00:00:00Z"}}`
	res, err := Rules{Now: testNow}.CheckJSON(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []issue{
		{"person.name", CodeInvalidType},
		{"person.phones[1]", CodeInvalidType},
		{"person.hobby", CodeUnknownField},
		{"person.phones[0]", customer.CodePhoneInvalid},
	}
	if got := issues(res.Errors); !slices.Equal(got, want) {
		t.Errorf("errors\n got %v\nwant %v", got, want)
	}
}

func TestEveryCodeIsDocumented(t *testing.T) {
	b, err := os.ReadFile("../../docs/validation.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, c := range Codes() {
		if !strings.Contains(doc, "`"+c.Code+"`") {
			t.Errorf("code %s is missing from docs/validation.md", c.Code)
		}
	}
}
