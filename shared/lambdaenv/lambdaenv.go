// Package lambdaenv configures the Lambda functions from their environment: one typed struct
// per function, the lookup-key secret fetched at cold start, and the DynamoDB store.
package lambdaenv

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// ConfigError lists every environment variable that is missing or malformed.
type ConfigError struct{ Problems []string }

func (e *ConfigError) Error() string {
	return "configuration: " + strings.Join(e.Problems, "; ")
}

// Load fills the struct cfg points to from the environment, by the fields' tags:
//
//	env:"NAME"           read from NAME
//	env:"NAME,required"  NAME must be set and not empty
//	env:"NAME,local"     for local runs only (tests, sam local): never set on AWS
//	default:"VALUE"      used when NAME is unset or empty
//
// Fields may be string, bool, int, time.Duration or []string (comma-separated); embedded
// structs are filled the same way. Every problem is reported at once, in a *ConfigError.
func Load(cfg any) error {
	v := reflect.ValueOf(cfg)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("lambdaenv: load: want a pointer to a struct, got %T", cfg)
	}
	var problems []string
	fill(v.Elem(), &problems)
	if len(problems) > 0 {
		return &ConfigError{Problems: problems}
	}
	return nil
}

func fill(v reflect.Value, problems *[]string) {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			fill(v.Field(i), problems)
			continue
		}
		tag, ok := f.Tag.Lookup("env")
		if !ok {
			continue
		}
		spec := parseTag(tag)
		raw := strings.TrimSpace(os.Getenv(spec.name))
		if raw == "" {
			raw = f.Tag.Get("default")
		}
		if raw == "" {
			if spec.required {
				*problems = append(*problems, spec.name+" is required")
			}
			continue
		}
		if err := set(v.Field(i), raw); err != nil {
			// The value itself stays out of the message: it may be a secret.
			*problems = append(*problems, fmt.Sprintf("%s: %v", spec.name, err))
		}
	}
}

type tagSpec struct {
	name            string
	required, local bool
}

func parseTag(tag string) tagSpec {
	parts := strings.Split(tag, ",")
	s := tagSpec{name: parts[0]}
	for _, p := range parts[1:] {
		switch p {
		case "required":
			s.required = true
		case "local":
			s.local = true
		}
	}
	return s
}

var durationType = reflect.TypeFor[time.Duration]()

func set(f reflect.Value, raw string) error {
	switch {
	case f.Type() == durationType:
		d, err := time.ParseDuration(raw)
		if err != nil {
			return errors.New("not a duration (e.g. 90s, 5m)")
		}
		f.SetInt(int64(d))
	case f.Kind() == reflect.String:
		f.SetString(raw)
	case f.Kind() == reflect.Bool:
		b, err := strconv.ParseBool(raw)
		if err != nil {
			return errors.New("not a boolean (true or false)")
		}
		f.SetBool(b)
	case f.Kind() == reflect.Int:
		n, err := strconv.Atoi(raw)
		if err != nil {
			return errors.New("not an integer")
		}
		f.SetInt(int64(n))
	case f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.String:
		var list []string
		for _, s := range strings.Split(raw, ",") {
			if s = strings.TrimSpace(s); s != "" {
				list = append(list, s)
			}
		}
		f.Set(reflect.ValueOf(list))
	default:
		return fmt.Errorf("unsupported field type %s", f.Type())
	}
	return nil
}

// Logger is the functions' logger: JSON lines on stderr, which Lambda sends to CloudWatch Logs.
func Logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
}
