// Command taskcmd runs one workflow fixture task, chosen by the name it is invoked under, for
// the reference interpreter in the cross-check; bind other tasks by passing another map.
package main

import (
	"github.com/intake-project/intake/workflows/crosscheck/fixture"
	"github.com/intake-project/intake/workflows/crosscheck/taskexec"
)

func main() { taskexec.Main(fixture.Tasks()) }
