package server

import (
	"time"

	"github.com/ccc-connectivity/ccc/store"
)

// SetDirect turns the direct table path (tables_direct.go) on or off, so
// that tests can compare its answers with the SQL path's.
func (s *Server) SetDirect(on bool) { s.noDirect = !on }

// DirectServed is the number of table requests the direct path answered.
func (s *Server) DirectServed() int64 { return s.directServed.Load() }

// VerifiedFile waits for the direct path's checksum verdict on t.
func (s *Server) VerifiedFile(t store.TableInfo) bool {
	for {
		if verified, bad := s.fileVerdict(t); verified || bad {
			return verified
		}
		time.Sleep(time.Millisecond)
	}
}
