package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/intake-project/intake/shared/store"
)

func init() {
	commands["export"] = command{summary: "export links: which customer each submission was filed on (CSV)", run: runExport}
}

// runExport writes the links export: source_ref, submission_id, customer_id, decision, one row
// per submission.
func runExport(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "links" {
		fmt.Fprintln(stderr, "usage: intake export links [--out FILE] [--data DIR]")
		return exitUsage
	}
	fs := flag.NewFlagSet("export links", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf siteFlags
	sf.register(fs)
	out := fs.String("out", "", "write the CSV to this `file` instead of standard output")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	s, err := openSite(ctx, sf, quietLogger())
	if err != nil {
		fmt.Fprintln(stderr, "intake export:", err)
		return exitFailed
	}
	defer s.Close()
	w := stdout
	if *out != "" {
		f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			fmt.Fprintln(stderr, "intake export:", err)
			return exitFailed
		}
		defer f.Close()
		w = f
	}
	if err := writeLinks(ctx, s.store, w); err != nil {
		fmt.Fprintln(stderr, "intake export:", err)
		return exitFailed
	}
	return exitOK
}

func writeLinks(ctx context.Context, st store.Store, w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"source_ref", "submission_id", "customer_id", "decision"}); err != nil {
		return err
	}
	page := store.Page{Limit: 500}
	for {
		links, next, err := st.Links(ctx, page)
		if err != nil {
			return fmt.Errorf("read links: %w", err)
		}
		for _, l := range links {
			if err := cw.Write([]string{l.SourceRef, l.SubmissionID, l.CustomerID, string(l.Decision)}); err != nil {
				return err
			}
		}
		if next == "" {
			break
		}
		page.Cursor = next
	}
	cw.Flush()
	return cw.Error()
}
