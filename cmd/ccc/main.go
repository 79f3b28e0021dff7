// Command ccc is the common-connectivity command line: one schema, one store
// and one API for mouse-brain connectivity data.
package main

import (
	"os"

	"github.com/ccc-connectivity/ccc/internal/cli"
)

func main() { os.Exit(cli.Main()) }
