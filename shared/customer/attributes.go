package customer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
)

// attributeBlocks are the submission's top-level fields whose contents become attributes; the
// other top-level fields (channel, kind, sourceRef, ...) describe the submission itself and
// become provenance.
var attributeBlocks = []string{"person", "organisation", "card", "value", "prospect", "consent", "interests"}

// Attributes flattens a submission into attributes, each with the given provenance. A scalar
// field becomes one attribute at its path ("person.name"); a list of scalars one attribute per
// value at the list's path ("person.phones"); a nested object (an address, an identity
// document) one attribute holding its compact JSON; a list of objects one attribute per item.
func (s Submission) Attributes(prov Provenance) []Attribute {
	raw, err := json.Marshal(s)
	if err != nil {
		// Submission holds only strings, numbers, booleans and slices of them.
		panic(fmt.Sprintf("customer: marshal submission: %v", err))
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(raw, &top); err != nil {
		panic(fmt.Sprintf("customer: unmarshal submission: %v", err))
	}
	var out []Attribute
	add := func(path string, v json.RawMessage) {
		out = append(out, Attribute{Path: path, Value: scalarText(v), Provenance: prov})
	}
	for _, block := range attributeBlocks {
		v, ok := top[block]
		if !ok {
			continue
		}
		if items, ok := asArray(v); ok {
			for _, item := range items {
				add(block, item)
			}
			continue
		}
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(v, &fields); err != nil {
			continue
		}
		names := make([]string, 0, len(fields))
		for name := range fields {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			path := block + "." + name
			if items, ok := asArray(fields[name]); ok {
				for _, item := range items {
					add(path, item)
				}
				continue
			}
			add(path, fields[name])
		}
	}
	return out
}

// View rebuilds the current submission-shaped view of a customer from its attributes by
// survivorship: for a single-valued field, a verified value beats an unverified one and a newer
// beats an older; a multi-valued field (phones, emails, lists) keeps every distinct value,
// best first. Fields whose stored values no longer fit the model are skipped, never guessed.
func View(attrs []Attribute) Submission {
	byPath := map[string][]Attribute{}
	var paths []string
	for _, a := range attrs {
		if _, seen := byPath[a.Path]; !seen {
			paths = append(paths, a.Path)
		}
		byPath[a.Path] = append(byPath[a.Path], a)
	}
	top := map[string]any{}
	for _, path := range paths {
		values := ranked(byPath[path])
		block, field, nested := strings.Cut(path, ".")
		var v any
		if isList(path) {
			var list []json.RawMessage
			seen := map[string]bool{}
			for _, a := range values {
				if !seen[a.Value] {
					seen[a.Value] = true
					list = append(list, jsonValue(path, a.Value))
				}
			}
			v = list
		} else {
			v = jsonValue(path, values[0].Value)
		}
		if !nested {
			top[block] = v
			continue
		}
		m, _ := top[block].(map[string]any)
		if m == nil {
			m = map[string]any{}
			top[block] = m
		}
		m[field] = v
	}
	var s Submission
	for block, v := range top {
		b, err := json.Marshal(map[string]any{block: v})
		if err != nil {
			continue
		}
		var one Submission
		if json.Unmarshal(b, &one) == nil {
			mergeBlock(&s, &one, block)
		}
	}
	return s
}

// Contribution is what one submission brought to a block of a customer's attributes.
type Contribution struct {
	Provenance
	Submission Submission
}

// BySubmission groups the attributes under a block ("card", "value") by the submission that
// brought them, oldest first, and rebuilds each group: every card scan, every value report.
func BySubmission(attrs []Attribute, block string) []Contribution {
	groups := map[string][]Attribute{}
	var order []string
	for _, a := range attrs {
		if a.Path != block && !strings.HasPrefix(a.Path, block+".") {
			continue
		}
		if _, seen := groups[a.SubmissionID]; !seen {
			order = append(order, a.SubmissionID)
		}
		groups[a.SubmissionID] = append(groups[a.SubmissionID], a)
	}
	sort.SliceStable(order, func(i, j int) bool {
		return groups[order[i]][0].CollectedAt.Before(groups[order[j]][0].CollectedAt)
	})
	out := make([]Contribution, 0, len(order))
	for _, id := range order {
		out = append(out, Contribution{Provenance: groups[id][0].Provenance, Submission: View(groups[id])})
	}
	return out
}

// ranked orders values best first: verified before unverified, then newest first; values
// collected together keep the order they were given in.
func ranked(values []Attribute) []Attribute {
	out := slices.Clone(values)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Verified != out[j].Verified {
			return out[i].Verified
		}
		return out[i].CollectedAt.After(out[j].CollectedAt)
	})
	return out
}

func mergeBlock(dst, src *Submission, block string) {
	switch block {
	case "person":
		dst.Person = src.Person
	case "organisation":
		dst.Organisation = src.Organisation
	case "card":
		dst.Card = src.Card
	case "value":
		dst.Value = src.Value
	case "prospect":
		dst.Prospect = src.Prospect
	case "consent":
		dst.Consent = src.Consent
	case "interests":
		dst.Interests = src.Interests
	}
}

// scalarText renders a JSON value as attribute text: strings unquoted, everything else as
// compact JSON.
func scalarText(v json.RawMessage) string {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	var buf bytes.Buffer
	if json.Compact(&buf, v) == nil {
		return buf.String()
	}
	return string(v)
}

// jsonValue turns attribute text back into JSON by the model's type at the path: text for
// string fields, the stored JSON for everything else.
func jsonValue(path, text string) json.RawMessage {
	if fieldShape(path).text || !json.Valid([]byte(text)) {
		b, _ := json.Marshal(text)
		return b
	}
	return json.RawMessage(text)
}

func asArray(v json.RawMessage) ([]json.RawMessage, bool) {
	v = bytes.TrimSpace(v)
	if len(v) == 0 || v[0] != '[' {
		return nil, false
	}
	var items []json.RawMessage
	if json.Unmarshal(v, &items) != nil {
		return nil, false
	}
	return items, true
}

type shape struct {
	list bool // the field is a list; each attribute is one item
	text bool // the field (or its items) is a string
}

var (
	shapesOnce sync.Once
	shapes     map[string]shape
)

// isList says whether a path names a list field of the submission model.
func isList(path string) bool { return fieldShape(path).list }

// fieldShape describes the model field at an attribute path, read once from the struct tags.
func fieldShape(path string) shape {
	shapesOnce.Do(func() {
		shapes = map[string]shape{}
		describe := func(path string, t reflect.Type) {
			var sh shape
			if t.Kind() == reflect.Slice {
				sh.list, t = true, t.Elem()
			}
			sh.text = t.Kind() == reflect.String
			shapes[path] = sh
		}
		st := reflect.TypeFor[Submission]()
		for i := range st.NumField() {
			f := st.Field(i)
			name := jsonName(f)
			describe(name, f.Type)
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() != reflect.Struct || ft.PkgPath() != st.PkgPath() {
				continue
			}
			for j := range ft.NumField() {
				describe(name+"."+jsonName(ft.Field(j)), ft.Field(j).Type)
			}
		}
	})
	return shapes[path]
}

func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "" {
		return f.Name
	}
	return name
}
