package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
)

func init() {
	commands["forms"] = command{summary: "list the configured web forms and their keys", run: runForms}
}

// runForms lists the site's forms, creating the default local form on first use.
func runForms(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("forms", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf siteFlags
	sf.register(fs)
	asJSON := fs.Bool("json", false, "print the forms as JSON")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	fm, err := loadForms(sf)
	if err != nil {
		fmt.Fprintln(stderr, "intake forms:", err)
		return exitFailed
	}
	list, err := fm.Forms(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "intake forms:", err)
		return exitFailed
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(list); err != nil {
			fmt.Fprintln(stderr, "intake forms:", err)
			return exitFailed
		}
		return exitOK
	}
	for _, f := range list {
		fmt.Fprintf(stdout, "%s\t%s\n", f.Key, f.Name)
	}
	return exitOK
}
