package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/intake-project/intake/shared/customer"
)

// errMalformedJSON: the body is not one well-formed JSON value.
var errMalformedJSON = errors.New("malformed JSON")

// checkShape walks the JSON tokens of body before it is decoded, so that deep nesting, long
// lists and long strings are refused without building them. It reports every field that breaks
// a limit, by its JSON path; it fails with errMalformedJSON when the body is not JSON.
func checkShape(body []byte, maxDepth, maxArray, maxString int) ([]customer.FieldError, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	type frame struct {
		array bool
		path  string
		count int
		key   string // the pending member name in an object
	}
	var stack []frame
	var errs []customer.FieldError
	reported := map[string]bool{}
	report := func(fe customer.FieldError) {
		if !reported[fe.Path+fe.Code] {
			reported[fe.Path+fe.Code] = true
			errs = append(errs, fe)
		}
	}
	// path of the value about to be read
	here := func() string {
		if len(stack) == 0 {
			return ""
		}
		top := &stack[len(stack)-1]
		if top.array {
			return top.path + "[" + strconv.Itoa(top.count) + "]"
		}
		if top.path == "" {
			return top.key
		}
		return top.path + "." + top.key
	}
	// expectKey says the next token in an object is a member name.
	expectKey := func() bool {
		return len(stack) > 0 && !stack[len(stack)-1].array && stack[len(stack)-1].key == ""
	}
	valueDone := func() {
		if len(stack) == 0 {
			return
		}
		top := &stack[len(stack)-1]
		if top.array {
			top.count++
			if top.count == maxArray+1 {
				report(fieldErr(top.path, codeTooMany, fmt.Sprintf("at most %d items", maxArray), fmt.Sprintf("最多 %d 项", maxArray)))
			}
		} else {
			top.key = ""
		}
	}
	values := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			// A body cut short ends in EOF too, with values still open.
			if len(stack) != 0 || values == 0 {
				return nil, errMalformedJSON
			}
			break
		}
		if err != nil {
			return nil, errMalformedJSON
		}
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{', '[':
				p := here()
				if len(stack) == maxDepth {
					report(fieldErr(p, codeTooDeep, fmt.Sprintf("nested deeper than %d levels", maxDepth), fmt.Sprintf("嵌套超过 %d 层", maxDepth)))
				}
				stack = append(stack, frame{array: v == '[', path: p})
			case '}', ']':
				stack = stack[:len(stack)-1]
				valueDone()
			}
		case string:
			if expectKey() {
				if len(v) > maxString {
					return nil, errMalformedJSON
				}
				stack[len(stack)-1].key = v
				continue
			}
			if len(v) > maxString {
				report(fieldErr(here(), codeTooLong, fmt.Sprintf("longer than %d bytes", maxString), fmt.Sprintf("超过 %d 字节", maxString)))
			}
			valueDone()
		default:
			valueDone()
		}
		if len(stack) == 0 {
			values++
			if dec.More() {
				return nil, errMalformedJSON
			}
		}
	}
	return errs, nil
}
