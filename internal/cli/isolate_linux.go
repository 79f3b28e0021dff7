package cli

import (
	"os/exec"
	"syscall"
)

// setParentDeathSignal kills a reader process when ccc itself dies, so
// that a reader stuck in libhdf5 never outlives the command.
func setParentDeathSignal(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
