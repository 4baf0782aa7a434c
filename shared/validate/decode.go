package validate

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/intake-project/intake/shared/customer"
)

// ErrMalformed is returned for input that is not one JSON value.
var ErrMalformed = errors.New("malformed JSON")

// sensitiveFields are names of fields that carry personal data the service must never collect
// (DOMAIN.md §4), compared after lower-casing and dropping everything but letters and digits.
var sensitiveFields = map[string]bool{
	"religion": true, "religiousbelief": true, "religiousbeliefs": true, "faith": true,
	"politicalviews": true, "politicalview": true, "politicalopinion": true, "politicalopinions": true,
	"politicalaffiliation": true, "politicalparty": true, "partymembership": true,
	"ethnicity": true, "ethnicorigin": true, "race": true,
	"sexualorientation": true, "sexlife": true,
	"health": true, "healthdata": true, "healthstatus": true, "medicalhistory": true, "medicalrecords": true,
	"criminalrecord": true, "criminalrecords": true,
	"biometric": true, "biometrics": true, "fingerprint": true, "fingerprints": true, "geneticdata": true,
	"tradeunion": true, "tradeunionmembership": true,
	"宗教": true, "宗教信仰": true, "政治面貌": true, "政治观点": true, "民族": true,
	"健康状况": true, "病史": true, "犯罪记录": true, "指纹": true,
}

func isSensitive(key string) bool {
	var b strings.Builder
	for _, r := range strings.ToLower(key) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return sensitiveFields[b.String()]
}

// Decode reads one submission as JSON and reports, with their paths, every field that is not
// part of the submission format (with a code of its own for sensitive data that must not be
// collected) and every value of the wrong JSON type. Such fields are left out of the returned
// submission; everything else is decoded. The error is only for input that cannot be read or
// is not one JSON value (ErrMalformed).
func Decode(r io.Reader) (customer.Submission, []customer.FieldError, error) {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	var raw any
	if err := dec.Decode(&raw); err != nil {
		return customer.Submission{}, nil, readError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return customer.Submission{}, nil, fmt.Errorf("decode submission: %w: data after the submission", ErrMalformed)
	}
	var errs []customer.FieldError
	clean := walk(reflect.TypeFor[customer.Submission](), raw, "", &errs)
	var s customer.Submission
	if clean == nil {
		return s, errs, nil
	}
	// The cleaned value holds only fields and types the struct accepts, so this cannot fail
	// short of a bug in walk.
	b, err := json.Marshal(clean)
	if err == nil {
		err = json.Unmarshal(b, &s)
	}
	if err != nil {
		return customer.Submission{}, nil, fmt.Errorf("decode submission: %w", err)
	}
	return s, errs, nil
}

// readError describes a failure to read JSON without quoting the input, which may hold
// personal data.
func readError(err error) error {
	var syntax *json.SyntaxError
	switch {
	case errors.As(err, &syntax):
		return fmt.Errorf("decode submission: %w: invalid JSON at byte %d", ErrMalformed, syntax.Offset)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("decode submission: %w: input ends before the JSON value does", ErrMalformed)
	default:
		return fmt.Errorf("decode submission: %w", err)
	}
}

var timeType = reflect.TypeFor[time.Time]()

// typeNamesZh names in Chinese the JSON types walk expects.
var typeNamesZh = map[string]string{
	"a string":                  "字符串",
	"true or false":             "true或false",
	"a number":                  "数字",
	"a list":                    "列表",
	"an object":                 "对象",
	"an RFC 3339 time (string)": "RFC 3339格式的时间字符串",
}

// walk checks the generic JSON value v against type t and returns v without the fields and
// values t does not accept, recording an error for each. JSON null is accepted anywhere and
// means absent.
func walk(t reflect.Type, v any, path string, errs *[]customer.FieldError) any {
	if v == nil {
		return nil
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	bad := func(expected string) any {
		e := fieldError(path, CodeInvalidType, expected)
		e.Zh = fmt.Sprintf(catalogue[CodeInvalidType].zh, typeNamesZh[expected])
		*errs = append(*errs, e)
		return nil
	}
	if t == timeType {
		s, ok := v.(string)
		if !ok {
			return bad("an RFC 3339 time (string)")
		}
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			*errs = append(*errs, fieldError(path, CodeTimeFormat))
			return nil
		}
		return s
	}
	switch t.Kind() {
	case reflect.String:
		if _, ok := v.(string); !ok {
			return bad("a string")
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			return bad("true or false")
		}
	case reflect.Float64:
		n, ok := v.(json.Number)
		if !ok {
			return bad("a number")
		}
		if f, err := n.Float64(); err != nil || math.IsInf(f, 0) {
			return bad("a number")
		}
	case reflect.Slice:
		list, ok := v.([]any)
		if !ok {
			return bad("a list")
		}
		out := make([]any, len(list))
		for i, item := range list {
			out[i] = walk(t.Elem(), item, fmt.Sprintf("%s[%d]", path, i), errs)
		}
		return out
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			return bad("an object")
		}
		return walkObject(t, obj, path, errs)
	}
	return v
}

func walkObject(t reflect.Type, obj map[string]any, path string, errs *[]customer.FieldError) any {
	fields := jsonFields(t)
	out := make(map[string]any, len(obj))
	for _, f := range fields.order {
		if v, ok := obj[f.name]; ok {
			out[f.name] = walk(f.typ, v, join(path, f.name), errs)
		}
	}
	var unknown []string
	for k := range obj {
		if _, ok := fields.byName[k]; !ok {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	for _, k := range unknown {
		code := CodeUnknownField
		if isSensitive(k) {
			code = CodeSensitiveData
		}
		*errs = append(*errs, fieldError(join(path, k), code))
	}
	return out
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

type jsonField struct {
	name string
	typ  reflect.Type
}

type fieldSet struct {
	order  []jsonField
	byName map[string]jsonField
}

var fieldCache sync.Map // reflect.Type → fieldSet

// jsonFields lists the JSON names of t's fields, in declaration order; embedded structs are
// not used by the model, so their fields are not promoted here.
func jsonFields(t reflect.Type) fieldSet {
	if fs, ok := fieldCache.Load(t); ok {
		return fs.(fieldSet)
	}
	fs := fieldSet{byName: map[string]jsonField{}}
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		f := jsonField{name: name, typ: sf.Type}
		fs.order = append(fs.order, f)
		fs.byName[name] = f
	}
	fieldCache.Store(t, fs)
	return fs
}

// CheckJSON decodes one submission (Decode) and checks it (Check), reporting the decoding
// errors and the rule errors together. A rule error at or under a path that already has a
// decoding error is left out: it would only restate that the field was dropped.
func (r Rules) CheckJSON(rd io.Reader) (Result, error) {
	s, decodeErrs, err := Decode(rd)
	if err != nil {
		return Result{}, err
	}
	res := r.Check(s)
	if len(decodeErrs) == 0 {
		return res, nil
	}
	kept := decodeErrs
	for _, e := range res.Errors {
		if !underAny(e.Path, decodeErrs) {
			kept = append(kept, e)
		}
	}
	res.Errors = kept
	return res, nil
}

func underAny(path string, errs []customer.FieldError) bool {
	for _, e := range errs {
		if e.Path == "" || path == e.Path || strings.HasPrefix(path, e.Path+".") || strings.HasPrefix(path, e.Path+"[") {
			return true
		}
	}
	return false
}
