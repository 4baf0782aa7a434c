package asl

import (
	"fmt"
	"strconv"
	"strings"
)

// path is a parsed JSONPath reference path: "$", "$.a.b", "$['a'][0]", or one rooted at the
// context object ("$$.Execution.Input"). Wildcards, filters and slices are outside the subset.
type path struct {
	src     string
	context bool
	segs    []segment
}

// segment is one step of a path: a member name, or an array index when isIndex is set.
type segment struct {
	name    string
	index   int
	isIndex bool
}

func parsePath(src string) (path, error) {
	p := path{src: src}
	rest, ok := strings.CutPrefix(src, "$")
	if !ok {
		return p, fmt.Errorf("path %q does not start with $", src)
	}
	if r, ok := strings.CutPrefix(rest, "$"); ok {
		p.context = true
		rest = r
	}
	for rest != "" {
		switch rest[0] {
		case '.':
			rest = rest[1:]
			end := strings.IndexAny(rest, ".[")
			if end < 0 {
				end = len(rest)
			}
			name := rest[:end]
			if name == "" || strings.ContainsAny(name, "*@?()'\" ") {
				return p, fmt.Errorf("path %q: unsupported member %q", src, name)
			}
			p.segs = append(p.segs, segment{name: name})
			rest = rest[end:]
		case '[':
			end := strings.IndexByte(rest, ']')
			if end < 0 {
				return p, fmt.Errorf("path %q: unclosed [", src)
			}
			inner := rest[1:end]
			rest = rest[end+1:]
			if len(inner) >= 2 && (inner[0] == '\'' || inner[0] == '"') && inner[len(inner)-1] == inner[0] {
				p.segs = append(p.segs, segment{name: inner[1 : len(inner)-1]})
				continue
			}
			n, err := strconv.Atoi(inner)
			if err != nil || n < 0 {
				return p, fmt.Errorf("path %q: unsupported subscript [%s]", src, inner)
			}
			p.segs = append(p.segs, segment{index: n, isIndex: true})
		default:
			return p, fmt.Errorf("path %q: unexpected %q", src, rest[0])
		}
	}
	return p, nil
}

// get resolves the path against the state's data or, for "$$" paths, the context object.
func (p path) get(data, ctxObj any) (any, bool) {
	v := data
	if p.context {
		v = ctxObj
	}
	for _, s := range p.segs {
		if s.isIndex {
			arr, ok := v.([]any)
			if !ok || s.index >= len(arr) {
				return nil, false
			}
			v = arr[s.index]
			continue
		}
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = obj[s.name]; !ok {
			return nil, false
		}
	}
	return v, true
}

// set returns a copy of data with value placed at the path, creating missing objects on the
// way; only the objects along the path are copied, so data itself is never modified.
func (p path) set(data, value any) (any, bool) {
	if len(p.segs) == 0 {
		return value, true
	}
	obj, ok := data.(map[string]any)
	if !ok {
		return nil, false
	}
	out := make(map[string]any, len(obj)+1)
	for k, v := range obj {
		out[k] = v
	}
	head := p.segs[0].name
	child, exists := out[head]
	if !exists {
		child = map[string]any{}
	}
	rest := path{segs: p.segs[1:]}
	if len(rest.segs) == 0 {
		out[head] = value
		return out, true
	}
	v, ok := rest.set(child, value)
	if !ok {
		return nil, false
	}
	out[head] = v
	return out, true
}

// optPath is a path field that may be absent, or null (which the language gives its own
// meaning), or a path.
type optPath struct {
	set  bool
	null bool
	p    path
}
