package asl

import (
	"encoding/json"
	"fmt"
	"math/big"
	"regexp"
	"strings"
	"time"
)

// rule is a compiled Choice rule: a comparison on Variable, or And/Or/Not of rules. Only
// top-level rules carry Next.
type rule struct {
	next     string
	and, or  []*rule
	not      *rule
	variable path
	op       string
	operand  any
	operandP *path
}

// comparators lists the supported comparison operators; a name ending in "Path" compares with
// the value at a path instead of a literal.
var comparators = map[string]bool{
	"StringEquals": true, "StringLessThan": true, "StringGreaterThan": true,
	"StringLessThanEquals": true, "StringGreaterThanEquals": true, "StringMatches": true,
	"NumericEquals": true, "NumericLessThan": true, "NumericGreaterThan": true,
	"NumericLessThanEquals": true, "NumericGreaterThanEquals": true,
	"BooleanEquals":   true,
	"TimestampEquals": true, "TimestampLessThan": true, "TimestampGreaterThan": true,
	"TimestampLessThanEquals": true, "TimestampGreaterThanEquals": true,
	"IsNull": true, "IsPresent": true, "IsNumeric": true, "IsString": true,
	"IsBoolean": true, "IsTimestamp": true,
}

func compileRule(where string, raw map[string]any, top bool) (*rule, error) {
	r := &rule{}
	for k, v := range raw {
		switch {
		case k == "Next" && top:
			s, ok := v.(string)
			if !ok {
				return nil, fmt.Errorf("%s.Next: not a string", where)
			}
			r.next = s
		case k == "Comment":
		case k == "Variable":
			s, ok := v.(string)
			if !ok {
				return nil, fmt.Errorf("%s.Variable: not a string", where)
			}
			p, err := parsePath(s)
			if err != nil {
				return nil, fmt.Errorf("%s.Variable: %w", where, err)
			}
			r.variable = p
		case k == "And" || k == "Or":
			list, ok := v.([]any)
			if !ok || len(list) == 0 {
				return nil, fmt.Errorf("%s.%s: needs a non-empty array of rules", where, k)
			}
			for i, e := range list {
				m, ok := e.(map[string]any)
				if !ok {
					return nil, fmt.Errorf("%s.%s[%d]: not a rule", where, k, i)
				}
				sub, err := compileRule(fmt.Sprintf("%s.%s[%d]", where, k, i), m, false)
				if err != nil {
					return nil, err
				}
				if k == "And" {
					r.and = append(r.and, sub)
				} else {
					r.or = append(r.or, sub)
				}
			}
		case k == "Not":
			m, ok := v.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("%s.Not: not a rule", where)
			}
			sub, err := compileRule(where+".Not", m, false)
			if err != nil {
				return nil, err
			}
			r.not = sub
		default:
			op, isPath := strings.CutSuffix(k, "Path")
			if !comparators[op] || (isPath && strings.HasPrefix(op, "Is")) {
				return nil, fmt.Errorf("%s.%s: unsupported field", where, k)
			}
			if r.op != "" {
				return nil, fmt.Errorf("%s.%s: a rule takes one comparison, it already has %s", where, k, r.op)
			}
			r.op = op
			if isPath {
				s, ok := v.(string)
				if !ok {
					return nil, fmt.Errorf("%s.%s: not a path", where, k)
				}
				p, err := parsePath(s)
				if err != nil {
					return nil, fmt.Errorf("%s.%s: %w", where, k, err)
				}
				r.operandP = &p
			} else {
				if err := checkOperand(op, v); err != nil {
					return nil, fmt.Errorf("%s.%s: %w", where, k, err)
				}
				r.operand = v
			}
		}
	}
	kinds := 0
	for _, b := range []bool{r.op != "", r.and != nil, r.or != nil, r.not != nil} {
		if b {
			kinds++
		}
	}
	if kinds != 1 {
		return nil, fmt.Errorf("%s: a rule needs exactly one of a comparison, And, Or, Not", where)
	}
	if r.op != "" && r.variable.src == "" {
		return nil, fmt.Errorf("%s: a comparison needs Variable", where)
	}
	if top && r.next == "" {
		return nil, fmt.Errorf("%s: a choice rule needs Next", where)
	}
	return r, nil
}

func checkOperand(op string, v any) error {
	switch {
	case strings.HasPrefix(op, "String"), strings.HasPrefix(op, "Timestamp"):
		if _, ok := v.(string); !ok {
			return fmt.Errorf("needs a string")
		}
	case strings.HasPrefix(op, "Numeric"):
		if _, ok := v.(json.Number); !ok {
			return fmt.Errorf("needs a number")
		}
	default:
		if _, ok := v.(bool); !ok {
			return fmt.Errorf("needs a boolean")
		}
	}
	if strings.HasPrefix(op, "Timestamp") {
		if _, err := time.Parse(time.RFC3339Nano, v.(string)); err != nil {
			return fmt.Errorf("needs an RFC 3339 timestamp")
		}
	}
	return nil
}

func (r *rule) match(data, ctxObj any) (bool, error) {
	switch {
	case r.and != nil:
		for _, s := range r.and {
			ok, err := s.match(data, ctxObj)
			if err != nil || !ok {
				return false, err
			}
		}
		return true, nil
	case r.or != nil:
		for _, s := range r.or {
			ok, err := s.match(data, ctxObj)
			if err != nil || ok {
				return ok, err
			}
		}
		return false, nil
	case r.not != nil:
		ok, err := r.not.match(data, ctxObj)
		return !ok, err
	}
	v, present := r.variable.get(data, ctxObj)
	if r.op == "IsPresent" {
		return present == r.operand.(bool), nil
	}
	if !present {
		return false, runtimeError("the choice variable %q points to no value", r.variable.src)
	}
	operand := r.operand
	if r.operandP != nil {
		var ok bool
		if operand, ok = r.operandP.get(data, ctxObj); !ok {
			return false, runtimeError("the choice operand path %q points to no value", r.operandP.src)
		}
	}
	return compare(r.op, v, operand), nil
}

// compare applies one operator; a value of the wrong type makes the comparison false, as in
// Step Functions.
func compare(op string, v, operand any) bool {
	switch op {
	case "IsNull":
		return (v == nil) == operand.(bool)
	case "IsNumeric":
		_, ok := v.(json.Number)
		return ok == operand.(bool)
	case "IsString":
		_, ok := v.(string)
		return ok == operand.(bool)
	case "IsBoolean":
		_, ok := v.(bool)
		return ok == operand.(bool)
	case "IsTimestamp":
		s, ok := v.(string)
		if ok {
			_, err := time.Parse(time.RFC3339Nano, s)
			ok = err == nil
		}
		return ok == operand.(bool)
	case "BooleanEquals":
		a, okA := v.(bool)
		b, okB := operand.(bool)
		return okA && okB && a == b
	case "StringMatches":
		a, okA := v.(string)
		b, okB := operand.(string)
		return okA && okB && wildcardMatch(b, a)
	}
	family, cmp, ok := ordering(op, v, operand)
	if !ok {
		return false
	}
	switch strings.TrimPrefix(op, family) {
	case "Equals":
		return cmp == 0
	case "LessThan":
		return cmp < 0
	case "GreaterThan":
		return cmp > 0
	case "LessThanEquals":
		return cmp <= 0
	case "GreaterThanEquals":
		return cmp >= 0
	}
	return false
}

func ordering(op string, v, operand any) (string, int, bool) {
	switch {
	case strings.HasPrefix(op, "String"):
		a, okA := v.(string)
		b, okB := operand.(string)
		return "String", strings.Compare(a, b), okA && okB
	case strings.HasPrefix(op, "Numeric"):
		a, okA := number(v)
		b, okB := number(operand)
		if !okA || !okB {
			return "Numeric", 0, false
		}
		return "Numeric", a.Cmp(b), true
	default:
		a, okA := timestamp(v)
		b, okB := timestamp(operand)
		return "Timestamp", a.Compare(b), okA && okB
	}
}

func number(v any) (*big.Float, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return nil, false
	}
	f, _, err := big.ParseFloat(n.String(), 10, 256, big.ToNearestEven)
	return f, err == nil
}

func timestamp(v any) (time.Time, bool) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}

// wildcardMatch implements StringMatches: "*" matches any run of characters, `\*` and `\\`
// are literal.
func wildcardMatch(pattern, s string) bool {
	var b strings.Builder
	b.WriteString(`(?s)^`)
	for i := 0; i < len(pattern); i++ {
		switch {
		case pattern[i] == '\\' && i+1 < len(pattern):
			b.WriteString(regexp.QuoteMeta(pattern[i+1 : i+2]))
			i++
		case pattern[i] == '*':
			b.WriteString(`.*`)
		default:
			b.WriteString(regexp.QuoteMeta(pattern[i : i+1]))
		}
	}
	b.WriteString(`$`)
	re, err := regexp.Compile(b.String())
	return err == nil && re.MatchString(s)
}
