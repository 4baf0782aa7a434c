package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/intake-project/intake/shared/auth"
)

func init() {
	commands["token"] = command{summary: "print a staff bearer token for the local API", run: runToken}
}

// runToken prints a staff token, alone on stdout, signed with the data folder's key.
func runToken(_ context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("token", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf siteFlags
	sf.register(fs)
	subject := fs.String("subject", "local-admin", "the staff member the token names")
	ttl := fs.Duration("ttl", 12*time.Hour, "how long the token is valid")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	key, err := auth.LoadOrCreateKey(sf.staffKeyPath())
	if err != nil {
		fmt.Fprintln(stderr, "intake token:", err)
		return exitFailed
	}
	token, err := auth.Mint(key, *subject, *ttl)
	if err != nil {
		fmt.Fprintln(stderr, "intake token:", err)
		return exitUsage
	}
	fmt.Fprintln(stdout, token)
	return exitOK
}
