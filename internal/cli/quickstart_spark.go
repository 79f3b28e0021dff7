package cli

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ccc-connectivity/ccc/engine/spark"
	"github.com/ccc-connectivity/ccc/store"
)

func init() { registerQuickstartStep(97, "spark", quickstartSpark) }

// quickstartSpark asks one question of the demo store on both engines when
// a Spark Connect server answers ($CCC_SPARK_REMOTE or the local one of
// scripts/spark.sh), and says how to start one when none does.
func quickstartSpark(q *quickstartEnv) error {
	out := q.IO.Out
	remote := spark.RemoteFromEnv("")
	s, err := spark.Connect(q.Ctx, spark.Options{Remote: remote, DialTimeout: time.Second})
	if errors.Is(err, spark.ErrUnreachable) {
		fmt.Fprintf(out, "   no Spark Connect server at %s: start one with 'scripts/spark.sh start' to run this step\n", remote)
		fmt.Fprintf(out, "   (then e.g. ccc query --engine spark --sql \"SELECT dataset, count(*) FROM Synapse GROUP BY dataset\")\n")
		return nil
	}
	if err != nil {
		return err
	}
	defer s.Close()
	st, err := store.Open(q.StoreDir)
	if err != nil {
		return err
	}
	defer st.Close()
	sn, err := st.Snapshot(store.Ref{})
	if err != nil {
		return err
	}
	const question = "SELECT dataset, count(*) AS n FROM Synapse GROUP BY dataset ORDER BY dataset"
	db, err := st.ReadOnlyDB(q.Ctx, store.Ref{})
	if err != nil {
		return err
	}
	defer db.Close()
	rows, err := db.QueryContext(q.Ctx, question)
	if err != nil {
		return err
	}
	var local []string
	for rows.Next() {
		var ds string
		var n int64
		if err := rows.Scan(&ds, &n); err != nil {
			rows.Close()
			return err
		}
		local = append(local, fmt.Sprintf("%s %d", ds, n))
	}
	rows.Close()
	t0 := time.Now()
	if err := s.Register(q.Ctx, st, sn); err != nil {
		return err
	}
	t, err := s.Query(q.Ctx, question)
	if err != nil {
		return err
	}
	defer t.Release()
	var remoteRows []string
	r := spark.NewRows(t)
	for r.Next() {
		v := r.Values()
		remoteRows = append(remoteRows, fmt.Sprintf("%v %v", v[0], v[1]))
	}
	r.Close()
	same := strings.Join(local, ", ") == strings.Join(remoteRows, ", ")
	fmt.Fprintf(out, "   Spark at %s read version %d's %d table files (%.1fs): synapses per dataset %s\n",
		remote, sn.Number(), len(sn.AllTables()), time.Since(t0).Seconds(), strings.Join(remoteRows, ", "))
	if !same {
		return fmt.Errorf("spark answered %v, the embedded engine %v", remoteRows, local)
	}
	fmt.Fprintf(out, "   the same answer as the embedded engine (ccc query --engine spark)\n")
	return nil
}
