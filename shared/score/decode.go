package score

import (
	"fmt"
	"math"
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"
)

// nodeDecoder fills Go values from a YAML node tree. It works on nodes rather than through
// yaml.Unmarshal so that every problem (unknown key, wrong type, duplicate key) is reported with
// its line, all of them at once, and so that later checks can point at the line of any value.
type nodeDecoder struct {
	lines    map[string]int
	problems []Problem
}

func (d *nodeDecoder) problem(line int, path, format string, args ...any) {
	d.problems = append(d.problems, Problem{Line: line, Path: path, Msg: fmt.Sprintf(format, args...)})
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// decode fills v from n; path is the dotted path of n in the file. The line recorded for a
// mapping entry is finally that of its key, where a reader looks for it.
func (d *nodeDecoder) decode(n *yaml.Node, v reflect.Value, path string) {
	d.lines[path] = n.Line
	if n.Kind == yaml.AliasNode {
		// Aliases are refused: a rules file does not need them, and expanding them naively lets a
		// small file grow without bound.
		d.problem(n.Line, path, "anchors and aliases are not supported")
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if isNull(n) {
			return
		}
		p := reflect.New(v.Type().Elem())
		d.decode(n, p.Elem(), path)
		v.Set(p)
	case reflect.Struct:
		d.decodeStruct(n, v, path)
	case reflect.Map:
		d.decodeMap(n, v, path)
	case reflect.Slice:
		if isNull(n) {
			return
		}
		if n.Kind != yaml.SequenceNode {
			d.problem(n.Line, path, "want a list")
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, c := range n.Content {
			d.decode(c, s.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
		v.Set(s)
	default:
		d.decodeScalar(n, v, path)
	}
}

// pairs walks a mapping node's key/value pairs, reporting keys that are not plain scalars and
// keys given twice.
func (d *nodeDecoder) pairs(n *yaml.Node, path string, each func(key string, k, val *yaml.Node)) {
	if n.Kind != yaml.MappingNode {
		if !isNull(n) {
			d.problem(n.Line, path, "want a mapping of names to values")
		}
		return
	}
	seen := make(map[string]int)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.problem(k.Line, path, "keys must be plain names")
			continue
		}
		if first, ok := seen[k.Value]; ok {
			d.problem(k.Line, joinPath(path, k.Value), "duplicate key, first given at line %d", first)
			continue
		}
		seen[k.Value] = k.Line
		each(k.Value, k, val)
	}
}

func (d *nodeDecoder) decodeStruct(n *yaml.Node, v reflect.Value, path string) {
	t := v.Type()
	fields := make(map[string]int, t.NumField())
	for i := range t.NumField() {
		if name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ","); name != "" && name != "-" {
			fields[name] = i
		}
	}
	d.pairs(n, path, func(key string, k, val *yaml.Node) {
		i, ok := fields[key]
		if !ok {
			d.problem(k.Line, joinPath(path, key), "unknown key %q", key)
			return
		}
		d.decode(val, v.Field(i), joinPath(path, key))
		d.lines[joinPath(path, key)] = k.Line
	})
}

func (d *nodeDecoder) decodeMap(n *yaml.Node, v reflect.Value, path string) {
	m := reflect.MakeMap(v.Type())
	d.pairs(n, path, func(key string, k, val *yaml.Node) {
		elem := reflect.New(v.Type().Elem()).Elem()
		d.decode(val, elem, joinPath(path, key))
		d.lines[joinPath(path, key)] = k.Line
		m.SetMapIndex(reflect.ValueOf(key).Convert(v.Type().Key()), elem)
	})
	v.Set(m)
}

// scalarKinds names, for messages, the scalar kinds a rules file holds.
var scalarKinds = map[reflect.Kind]string{
	reflect.String: "text", reflect.Float64: "number", reflect.Int: "whole number", reflect.Bool: "true or false",
}

func (d *nodeDecoder) decodeScalar(n *yaml.Node, v reflect.Value, path string) {
	want := scalarKinds[v.Kind()]
	if n.Kind != yaml.ScalarNode {
		d.problem(n.Line, path, "want %s", want)
		return
	}
	if isNull(n) {
		d.problem(n.Line, path, "no value given: want %s", want)
		return
	}
	if err := n.Decode(v.Addr().Interface()); err != nil {
		d.problem(n.Line, path, "want %s, got %q", want, n.Value)
		return
	}
	if v.Kind() == reflect.Float64 && (math.IsNaN(v.Float()) || math.IsInf(v.Float(), 0)) {
		d.problem(n.Line, path, "want a finite number")
	}
}
