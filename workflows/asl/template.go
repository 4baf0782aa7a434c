package asl

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// template is a compiled payload template (Parameters, ResultSelector): a JSON value whose
// object keys ending in ".$" take their value from a path or an intrinsic function.
type template struct {
	literal any
	object  []templateField
	array   []*template
	kind    templateKind
}

type templateKind int

const (
	tmplLiteral templateKind = iota
	tmplObject
	tmplArray
)

type templateField struct {
	key   string
	value *template
	path  *path
	call  *call
}

func compileTemplate(v any) (*template, error) {
	switch v := v.(type) {
	case map[string]any:
		t := &template{kind: tmplObject}
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if name, ok := strings.CutSuffix(k, ".$"); ok {
				src, isString := v[k].(string)
				if !isString {
					return nil, fmt.Errorf("%s: a \".$\" field takes a path or an intrinsic function", k)
				}
				f := templateField{key: name}
				if strings.HasPrefix(src, "$") {
					p, err := parsePath(src)
					if err != nil {
						return nil, fmt.Errorf("%s: %w", k, err)
					}
					f.path = &p
				} else {
					c, err := parseCall(src)
					if err != nil {
						return nil, fmt.Errorf("%s: %w", k, err)
					}
					f.call = c
				}
				t.object = append(t.object, f)
				continue
			}
			sub, err := compileTemplate(v[k])
			if err != nil {
				return nil, fmt.Errorf("%s.%w", k, err)
			}
			t.object = append(t.object, templateField{key: k, value: sub})
		}
		return t, nil
	case []any:
		t := &template{kind: tmplArray}
		for i, e := range v {
			sub, err := compileTemplate(e)
			if err != nil {
				return nil, fmt.Errorf("[%d].%w", i, err)
			}
			t.array = append(t.array, sub)
		}
		return t, nil
	default:
		return &template{literal: v}, nil
	}
}

func (t *template) eval(data, ctxObj any) (any, error) {
	switch t.kind {
	case tmplObject:
		out := make(map[string]any, len(t.object))
		for _, f := range t.object {
			switch {
			case f.path != nil:
				v, ok := f.path.get(data, ctxObj)
				if !ok {
					return nil, runtimeError("the path %q of field %q points to no value", f.path.src, f.key+".$")
				}
				out[f.key] = v
			case f.call != nil:
				v, err := f.call.eval(data, ctxObj)
				if err != nil {
					return nil, err
				}
				out[f.key] = v
			default:
				v, err := f.value.eval(data, ctxObj)
				if err != nil {
					return nil, err
				}
				out[f.key] = v
			}
		}
		return out, nil
	case tmplArray:
		out := make([]any, len(t.array))
		for i, e := range t.array {
			v, err := e.eval(data, ctxObj)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	default:
		return t.literal, nil
	}
}

// call is a parsed intrinsic function call, such as States.Format('{}', $.a).
type call struct {
	src  string
	fn   string
	args []arg
}

// arg is one argument of an intrinsic: a literal, a path, or a nested call. For string
// literals raw keeps the escapes, which States.Format needs to tell "\{" from "{".
type arg struct {
	literal any
	raw     string
	isStr   bool
	path    *path
	call    *call
}

var intrinsics = map[string]func(c *call, args []any) (any, error){
	"States.Format":       formatIntrinsic,
	"States.StringToJson": stringToJSON,
	"States.JsonToString": jsonToString,
	"States.Array":        func(_ *call, args []any) (any, error) { return args, nil },
	"States.JsonMerge":    jsonMerge,
}

func parseCall(src string) (*call, error) {
	c, rest, err := parseCallAt(strings.TrimSpace(src))
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(rest) != "" {
		return nil, fmt.Errorf("intrinsic %q: unexpected %q after the call", src, rest)
	}
	return c, nil
}

func parseCallAt(s string) (*call, string, error) {
	open := strings.IndexByte(s, '(')
	if open < 0 {
		return nil, "", fmt.Errorf("intrinsic %q: not a function call", s)
	}
	c := &call{fn: strings.TrimSpace(s[:open])}
	if _, ok := intrinsics[c.fn]; !ok {
		return nil, "", fmt.Errorf("unsupported intrinsic function %q", c.fn)
	}
	rest := strings.TrimLeft(s[open+1:], " ")
	if r, ok := strings.CutPrefix(rest, ")"); ok {
		c.src = s[:len(s)-len(r)]
		return c, r, nil
	}
	for {
		a, r, err := parseArg(strings.TrimLeft(rest, " "))
		if err != nil {
			return nil, "", fmt.Errorf("%s: %w", c.fn, err)
		}
		c.args = append(c.args, a)
		r = strings.TrimLeft(r, " ")
		switch {
		case strings.HasPrefix(r, ","):
			rest = r[1:]
		case strings.HasPrefix(r, ")"):
			c.src = s[:len(s)-len(r)+1]
			return c, r[1:], nil
		default:
			return nil, "", fmt.Errorf("%s: expected , or ) at %q", c.fn, r)
		}
	}
}

func parseArg(s string) (arg, string, error) {
	switch {
	case strings.HasPrefix(s, "'"):
		var raw, val strings.Builder
		for i := 1; i < len(s); i++ {
			switch s[i] {
			case '\\':
				if i+1 >= len(s) {
					return arg{}, "", fmt.Errorf("unterminated string")
				}
				raw.WriteByte('\\')
				raw.WriteByte(s[i+1])
				val.WriteByte(s[i+1])
				i++
			case '\'':
				return arg{literal: val.String(), raw: raw.String(), isStr: true}, s[i+1:], nil
			default:
				raw.WriteByte(s[i])
				val.WriteByte(s[i])
			}
		}
		return arg{}, "", fmt.Errorf("unterminated string")
	case strings.HasPrefix(s, "$"):
		end := argEnd(s)
		p, err := parsePath(strings.TrimSpace(s[:end]))
		if err != nil {
			return arg{}, "", err
		}
		return arg{path: &p}, s[end:], nil
	case strings.HasPrefix(s, "States."):
		c, rest, err := parseCallAt(s)
		if err != nil {
			return arg{}, "", err
		}
		return arg{call: c}, rest, nil
	default:
		end := argEnd(s)
		tok := strings.TrimSpace(s[:end])
		var v any
		dec := json.NewDecoder(strings.NewReader(tok))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil || dec.More() {
			return arg{}, "", fmt.Errorf("unsupported argument %q", tok)
		}
		if _, isObj := v.(map[string]any); isObj {
			return arg{}, "", fmt.Errorf("unsupported argument %q", tok)
		}
		if _, isArr := v.([]any); isArr {
			return arg{}, "", fmt.Errorf("unsupported argument %q", tok)
		}
		return arg{literal: v}, s[end:], nil
	}
}

// argEnd finds where a path or literal argument ends: at the first , or ) outside brackets
// and quotes.
func argEnd(s string) int {
	depth := 0
	var quote byte
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case quote != 0:
			if ch == quote {
				quote = 0
			}
		case ch == '\'' || ch == '"':
			quote = ch
		case ch == '[':
			depth++
		case ch == ']':
			depth--
		case (ch == ',' || ch == ')') && depth == 0:
			return i
		}
	}
	return len(s)
}

func (c *call) eval(data, ctxObj any) (any, error) {
	args := make([]any, len(c.args))
	for i, a := range c.args {
		switch {
		case a.path != nil:
			v, ok := a.path.get(data, ctxObj)
			if !ok {
				return nil, runtimeError("%s: the path %q points to no value", c.src, a.path.src)
			}
			args[i] = v
		case a.call != nil:
			v, err := a.call.eval(data, ctxObj)
			if err != nil {
				return nil, err
			}
			args[i] = v
		default:
			args[i] = a.literal
		}
	}
	v, err := intrinsics[c.fn](c, args)
	if err != nil {
		return nil, runtimeError("%s: %v", c.src, err)
	}
	return v, nil
}

func formatIntrinsic(c *call, args []any) (any, error) {
	if len(args) == 0 || !c.args[0].isStr {
		return nil, fmt.Errorf("the first argument must be a string literal")
	}
	tmpl := c.args[0].raw
	rest := args[1:]
	var b strings.Builder
	used := 0
	for i := 0; i < len(tmpl); i++ {
		switch {
		case tmpl[i] == '\\' && i+1 < len(tmpl):
			b.WriteByte(tmpl[i+1])
			i++
		case tmpl[i] == '{' && i+1 < len(tmpl) && tmpl[i+1] == '}':
			if used >= len(rest) {
				return nil, fmt.Errorf("more {} than arguments")
			}
			s, err := formatArg(rest[used])
			if err != nil {
				return nil, err
			}
			b.WriteString(s)
			used++
			i++
		default:
			b.WriteByte(tmpl[i])
		}
	}
	if used != len(rest) {
		return nil, fmt.Errorf("%d arguments for %d {}", len(rest), used)
	}
	return b.String(), nil
}

func formatArg(v any) (string, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case json.Number:
		return v.String(), nil
	case bool:
		if v {
			return "true", nil
		}
		return "false", nil
	case nil:
		return "null", nil
	default:
		return "", fmt.Errorf("an object or array cannot be formatted")
	}
}

func stringToJSON(_ *call, args []any) (any, error) {
	if len(args) != 1 {
		return nil, fmt.Errorf("takes one argument")
	}
	s, ok := args[0].(string)
	if !ok {
		return nil, fmt.Errorf("the argument is not a string")
	}
	return decodeJSON([]byte(s))
}

func jsonToString(_ *call, args []any) (any, error) {
	if len(args) != 1 {
		return nil, fmt.Errorf("takes one argument")
	}
	b, err := encodeJSON(args[0])
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

func jsonMerge(_ *call, args []any) (any, error) {
	if len(args) != 3 {
		return nil, fmt.Errorf("takes three arguments")
	}
	a, okA := args[0].(map[string]any)
	b, okB := args[1].(map[string]any)
	if !okA || !okB {
		return nil, fmt.Errorf("both values to merge must be objects")
	}
	if deep, ok := args[2].(bool); !ok || deep {
		return nil, fmt.Errorf("only a shallow merge (false) is supported")
	}
	out := make(map[string]any, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out, nil
}

// decodeJSON decodes one JSON value, keeping numbers as written.
func decodeJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("decode JSON: %w", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("decode JSON: more than one value")
	}
	return v, nil
}

// encodeJSON writes a value compactly and without HTML escaping, as Step Functions does.
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode JSON: %w", err)
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}
