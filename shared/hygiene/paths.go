package hygiene

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/intake-project/intake/shared/customer"
)

// A policy names fields by their JSON path in the submission format ("person.idDocument",
// "card.signsBill"), so the same names appear in the policy, in field errors and in the API.

// modelField finds the Go type at a dotted path of customer.Submission, looking through
// pointers and lists.
func modelField(path string) (reflect.Type, error) {
	if path == "" {
		return nil, fmt.Errorf("empty field path")
	}
	t := reflect.TypeFor[customer.Submission]()
	for seg := range strings.SplitSeq(path, ".") {
		t = elem(t)
		if t.Kind() != reflect.Struct {
			return nil, fmt.Errorf("%q: %q has no fields", path, seg)
		}
		f, ok := fieldByJSON(t, seg)
		if !ok {
			return nil, fmt.Errorf("%q: no field %q in the submission format", path, seg)
		}
		t = f.Type
	}
	return t, nil
}

func elem(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	return t
}

func fieldByJSON(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if tag, _, _ := strings.Cut(f.Tag.Get("json"), ","); tag == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// checkFieldPath accepts a path that names a customer attribute: a field inside one of the
// submission's blocks, not a block itself or the submission's own metadata.
func checkFieldPath(path string) error {
	if _, err := modelField(path); err != nil {
		return err
	}
	block, _, nested := strings.Cut(path, ".")
	switch block {
	case "person", "organisation", "card", "value", "prospect", "consent":
		if !nested {
			return fmt.Errorf("%q is a whole block: name a field inside it", path)
		}
		return nil
	case "interests":
		return nil
	}
	return fmt.Errorf("%q describes the submission, not the customer", path)
}

// checkDocumentPath accepts a path that names a document with an expiry date.
func checkDocumentPath(path string) error {
	if err := checkFieldPath(path); err != nil {
		return err
	}
	t, _ := modelField(path)
	if t = elem(t); t.Kind() != reflect.Struct {
		return fmt.Errorf("%q is not a document", path)
	}
	if _, ok := fieldByJSON(t, "expiresOn"); !ok {
		return fmt.Errorf("%q has no expiresOn", path)
	}
	return nil
}

// view is a customer's current view in its JSON form, which is what policy paths address.
type view map[string]any

func viewOf(attrs []customer.Attribute) view {
	b, err := json.Marshal(customer.View(attrs))
	if err != nil {
		return view{}
	}
	var v view
	if json.Unmarshal(b, &v) != nil {
		return view{}
	}
	return v
}

// found is one value at a path; label is the path with the index of every list passed through.
type found struct {
	label string
	value any
}

// lookup lists the values at a dotted path, one per item of every list on the way.
func (v view) lookup(path string) []found {
	var out []found
	var walk func(cur any, label string, segs []string)
	walk = func(cur any, label string, segs []string) {
		if list, ok := cur.([]any); ok && len(segs) > 0 {
			for i, item := range list {
				walk(item, fmt.Sprintf("%s[%d]", label, i), segs)
			}
			return
		}
		if len(segs) == 0 {
			out = append(out, found{label: label, value: cur})
			return
		}
		m, ok := cur.(map[string]any)
		if !ok {
			return
		}
		next, ok := m[segs[0]]
		if !ok {
			return
		}
		if label != "" {
			label += "."
		}
		walk(next, label+segs[0], segs[1:])
	}
	walk(map[string]any(v), "", strings.Split(path, "."))
	return out
}

// has reports whether the path holds a value: text that is not blank, any number or boolean,
// or a list or object with such a value inside.
func (v view) has(path string) bool {
	for _, f := range v.lookup(path) {
		if filled(f.value) {
			return true
		}
	}
	return false
}

func filled(x any) bool {
	switch x := x.(type) {
	case string:
		return strings.TrimSpace(x) != ""
	case bool, float64:
		return true
	case []any:
		for _, item := range x {
			if filled(item) {
				return true
			}
		}
	case map[string]any:
		for _, item := range x {
			if filled(item) {
				return true
			}
		}
	}
	return false
}
