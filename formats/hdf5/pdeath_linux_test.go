package hdf5

import (
	"os/exec"
	"syscall"
)

// setParentDeathSignal kills the walk process when the test process dies.
func setParentDeathSignal(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
