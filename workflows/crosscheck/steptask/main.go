// Command steptask runs one of the intake workflow's real steps, chosen by the name it is
// invoked under, over the embedded store in $INTAKE_STEPTASK_DATA, for the cross-check.
package main

import (
	"fmt"
	"os"

	"github.com/intake-project/intake/workflows/crosscheck/realsteps"
	"github.com/intake-project/intake/workflows/crosscheck/taskexec"
)

func main() {
	// Every step commits before it returns; the store closes when the process exits.
	tasks, _, err := realsteps.Open(os.Getenv(realsteps.DataEnv))
	if err != nil {
		fmt.Fprintln(os.Stderr, "steptask:", err)
		os.Exit(2)
	}
	taskexec.Main(tasks)
}
