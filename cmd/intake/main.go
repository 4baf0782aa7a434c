// Command intake is the local binary of the customer-data intake system: one subcommand per
// task (validate, and later serve, import, export, sweep, purge, token, forms).
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

// runFunc runs one subcommand and returns the process exit code.
type runFunc func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int

type command struct {
	summary string
	run     runFunc
}

// commands is the table of subcommands; each lives in a file of its own.
var commands = map[string]command{
	"validate": {summary: "check NDJSON submissions and print one result line per record", run: runValidate},
}

// Exit codes shared by the subcommands.
const (
	exitOK      = 0
	exitFailed  = 1
	exitUsage   = 2
	exitBadData = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	name := args[0]
	if name == "help" || name == "-h" || name == "--help" {
		usage(stdout)
		return exitOK
	}
	cmd, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "intake: unknown command %q\n", name)
		usage(stderr)
		return exitUsage
	}
	return cmd.run(ctx, args[1:], stdin, stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: intake COMMAND [ARGS]")
	fmt.Fprintln(w, "")
	fmt.Fprintln(w, "commands:")
	names := make([]string, 0, len(commands))
	for name := range commands {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(w, "  %-10s %s\n", name, commands[name].summary)
	}
	fmt.Fprintln(w, "  help       show this list")
	fmt.Fprintln(w, "")
	fmt.Fprintln(w, `Run "intake COMMAND -h" for a command's options.`)
}
