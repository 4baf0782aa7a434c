package httpapi

import (
	"encoding/json"
	"math"
	"net/url"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/intake-project/intake/shared/customer"
)

// Reserved form fields: they steer the request and are not part of the submission.
const (
	formFieldKey         = "_form"
	formFieldIdempotency = "_idempotency"
)

var submissionType = reflect.TypeFor[customer.Submission]()

// formToJSON turns a plain HTML form's fields, named by their dotted JSON paths
// ("person.name", "person.phones" repeated, "card.family[0].name"), into the submission's
// JSON form, so that a form post goes through the same strict decoder as a JSON post. The
// submission's Go types say which fields are lists, booleans and numbers. Empty fields are
// left out: an HTML form sends every input, filled or not.
func formToJSON(form url.Values, maxArray int) ([]byte, []customer.FieldError) {
	root := map[string]any{}
	var errs []customer.FieldError
	names := make([]string, 0, len(form))
	for name := range form {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		var values []string
		for _, v := range form[name] {
			if strings.TrimSpace(v) != "" {
				values = append(values, v)
			}
		}
		if len(values) == 0 {
			continue
		}
		if fe := setPath(root, submissionType, name, values, maxArray); fe != nil {
			errs = append(errs, *fe)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	compactArrays(root)
	out, err := json.Marshal(root)
	if err != nil {
		return nil, []customer.FieldError{fieldErr("", codeWrongType, "the form could not be read", "无法读取表单")}
	}
	return out, nil
}

// indexed is a list being filled by "name[i]" fields, kept sparse until compactArrays.
type indexed map[int]any

func setPath(node map[string]any, t reflect.Type, name string, values []string, maxArray int) *customer.FieldError {
	segs := strings.Split(name, ".")
	for i, seg := range segs {
		field, index, hasIndex, ok := splitIndex(seg)
		if !ok || hasIndex && (index < 0 || index >= maxArray) {
			fe := fieldErr(name, codeUnknownField, "this field is not part of the submission", "该字段不属于提交内容")
			if ok {
				fe = fieldErr(name, codeTooMany, "list index out of range", "列表序号超出范围")
			}
			return &fe
		}
		ft, found := jsonField(t, field)
		if !found {
			fe := fieldErr(name, codeUnknownField, "this field is not part of the submission", "该字段不属于提交内容")
			return &fe
		}
		last := i == len(segs)-1
		switch {
		case hasIndex:
			if ft.Kind() != reflect.Slice || ft.Elem().Kind() != reflect.Struct || last {
				fe := fieldErr(name, codeUnknownField, "this field is not part of the submission", "该字段不属于提交内容")
				return &fe
			}
			list, _ := node[field].(indexed)
			if list == nil {
				list = indexed{}
				node[field] = list
			}
			child, _ := list[index].(map[string]any)
			if child == nil {
				child = map[string]any{}
				list[index] = child
			}
			node, t = child, ft.Elem()
		case !last:
			if ft.Kind() != reflect.Struct {
				fe := fieldErr(name, codeUnknownField, "this field is not part of the submission", "该字段不属于提交内容")
				return &fe
			}
			child, _ := node[field].(map[string]any)
			if child == nil {
				child = map[string]any{}
				node[field] = child
			}
			node, t = child, ft
		default:
			v, fe := scalar(name, ft, values, maxArray)
			if fe != nil {
				return fe
			}
			node[field] = v
		}
	}
	return nil
}

func scalar(name string, t reflect.Type, values []string, maxArray int) (any, *customer.FieldError) {
	if t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.String {
		if len(values) > maxArray {
			fe := fieldErr(name, codeTooMany, "too many values", "值的数量过多")
			return nil, &fe
		}
		return values, nil
	}
	if len(values) > 1 {
		fe := fieldErr(name, codeWrongType, "this field takes one value", "该字段只能有一个值")
		return nil, &fe
	}
	v := values[0]
	switch {
	case t == reflect.TypeFor[bool]():
		switch strings.ToLower(v) {
		case "true", "on", "yes", "1":
			return true, nil
		case "false", "off", "no", "0":
			return false, nil
		}
		fe := fieldErr(name, codeWrongType, "must be true or false", "必须为是或否")
		return nil, &fe
	case t.Kind() == reflect.Float64:
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			fe := fieldErr(name, codeWrongType, "must be a number", "必须为数字")
			return nil, &fe
		}
		return f, nil
	case t.Kind() == reflect.String:
		return v, nil
	case t.Kind() == reflect.Struct:
		// time.Time and the like travel as text; the decoder parses them.
		if t.PkgPath() == "time" {
			return v, nil
		}
	}
	fe := fieldErr(name, codeUnknownField, "this field is not part of the submission", "该字段不属于提交内容")
	return nil, &fe
}

// jsonField finds the field of struct t whose JSON name is name, looking through pointers.
func jsonField(t reflect.Type, name string) (reflect.Type, bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil, false
	}
	for f := range t.Fields() {
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if tag == name && tag != "-" && f.IsExported() {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			return ft, true
		}
	}
	return nil, false
}

// splitIndex splits "family[2]" into "family", 2.
func splitIndex(seg string) (name string, index int, hasIndex, ok bool) {
	open := strings.IndexByte(seg, '[')
	if open < 0 {
		return seg, 0, false, seg != ""
	}
	if !strings.HasSuffix(seg, "]") || open == 0 {
		return "", 0, false, false
	}
	n, err := strconv.Atoi(seg[open+1 : len(seg)-1])
	if err != nil {
		return "", 0, false, false
	}
	return seg[:open], n, true, true
}

func compactArrays(node map[string]any) {
	for k, v := range node {
		switch v := v.(type) {
		case map[string]any:
			compactArrays(v)
		case indexed:
			keys := make([]int, 0, len(v))
			for i := range v {
				keys = append(keys, i)
			}
			sort.Ints(keys)
			list := make([]any, 0, len(keys))
			for _, i := range keys {
				child := v[i].(map[string]any)
				compactArrays(child)
				list = append(list, child)
			}
			node[k] = list
		}
	}
}
