package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/intake-project/intake/shared/rescore"
)

func init() {
	commands["rescore"] = command{summary: "recompute the scores of customers scored under other rules", run: runRescore}
}

// runRescore brings every customer's scores to the current rules version.
func runRescore(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("rescore", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf siteFlags
	sf.register(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	s, err := openSite(ctx, sf, quietLogger())
	if err != nil {
		fmt.Fprintln(stderr, "intake rescore:", err)
		return exitFailed
	}
	defer s.Close()
	bar := newProgress(stderr, 0, "rescoring")
	rep, err := s.rescorer().All(ctx, rescore.Options{Progress: bar.set})
	bar.done()
	if err != nil {
		fmt.Fprintln(stderr, "intake rescore:", err)
		return exitFailed
	}
	json.NewEncoder(stdout).Encode(rep)
	return exitOK
}
