// Command serveload is the load generator of bench/serve.sh: C concurrent
// clients send single-neuron synapse queries (GET /api/v1/synapses/query
// ?pre=ID, Arrow) to a 'ccc serve' for a duration and it prints requests/s,
// latency percentiles and errors; -stream reads one big table as Arrow, decodes
// it and prints MB/s; -cli runs the same queries as 'ccc synapses query'
// processes, for the comparison.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/apache/arrow-go/v18/arrow/ipc"
)

func main() {
	url := flag.String("url", "", "server base URL")
	idsFile := flag.String("ids", "", "file of root ids, one per line")
	clients := flag.Int("clients", 64, "concurrent clients")
	pid := flag.Int("pid", 0, "the server's process id: print its CPU time per request and the machine's ceiling")
	dur := flag.Duration("duration", 5*time.Second, "how long to send requests")
	stream := flag.String("stream", "", "instead: stream this path (e.g. /api/v1/tables/Synapse?format=arrow) once and report MB/s")
	cli := flag.String("cli", "", "instead: run this ccc binary's 'synapses query' per id, sequentially, for -duration")
	store := flag.String("store", "", "store for -cli")
	columns := flag.String("columns", "id,pre_pt_root_id,post_pt_root_id,size", "output columns (these four come from the graph index; \"\" = all, read from Parquet)")
	flag.Parse()
	if *stream != "" {
		streamArrow(*url+*stream, *pid)
		return
	}
	ids := readIDs(*idsFile)
	if *cli != "" {
		start := time.Now()
		var lat []time.Duration
		for i := 0; time.Since(start) < *dur; i++ {
			t0 := time.Now()
			args := []string{"--store", *store, "-q", "synapses", "query", "--pre", ids[i%len(ids)], "--format", "csv"}
			if *columns != "" {
				args = append(args, "--columns", *columns)
			}
			cmd := exec.Command(*cli, args...)
			cmd.Stdout = io.Discard
			if err := cmd.Run(); err != nil {
				fail(err)
			}
			lat = append(lat, time.Since(t0))
		}
		report("ccc synapses query processes (sequential)", lat, 0, time.Since(start))
		return
	}
	tr := &http.Transport{MaxIdleConnsPerHost: *clients, MaxConnsPerHost: *clients}
	hc := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	var (
		mu     sync.Mutex
		all    []time.Duration
		errs   atomic.Int64
		next   atomic.Int64
		wg     sync.WaitGroup
		bytesN atomic.Int64
	)
	// one request first: the server opens the dataset (graph index, cell
	// tables) once, on its first query, and keeps it; that is not the
	// steady state measured here
	if resp, err := hc.Get(*url + "/api/v1/synapses/query?pre=" + ids[0] + "&limit=1"); err != nil {
		fail(err)
	} else {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	srv0, self0 := procCPU(*pid), selfCPU()
	start := time.Now()
	stop := start.Add(*dur)
	for c := 0; c < *clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lat []time.Duration
			for time.Now().Before(stop) {
				id := ids[int(next.Add(1))%len(ids)]
				t0 := time.Now()
				q := *url + "/api/v1/synapses/query?pre=" + id
				if *columns != "" {
					q += "&columns=" + *columns
				}
				req, _ := http.NewRequest("GET", q, nil)
				req.Header.Set("Accept", "application/vnd.apache.arrow.stream")
				resp, err := hc.Do(req)
				if err != nil {
					errs.Add(1)
					continue
				}
				n, err := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if err != nil || resp.StatusCode != 200 {
					errs.Add(1)
					continue
				}
				bytesN.Add(n)
				lat = append(lat, time.Since(t0))
			}
			mu.Lock()
			all = append(all, lat...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	cols := *columns
	if cols == "" {
		cols = "all columns"
	}
	wall := time.Since(start)
	srvCPU, selfCPU := procCPU(*pid)-srv0, selfCPU()-self0
	report(fmt.Sprintf("%d clients, single-neuron synapse queries (%s; Arrow, %.1f MB)", *clients, cols, float64(bytesN.Load())/1e6), all, errs.Load(), wall)
	if *pid > 0 && len(all) > 0 {
		// the ceiling of this machine: its cores busy with nothing but the
		// server and this load generator, at the CPU time per request measured
		n := float64(len(all))
		cores := float64(runtime.NumCPU())
		perReq := (srvCPU + selfCPU).Seconds() / n
		fmt.Printf("   CPU per request: server %.0f us, load generator %.0f us; ceiling of %d cores at that cost: %.0f req/s "+
			"(server alone on all cores: %.0f req/s); this run had %.0f%% of the machine's CPU (load average %s)\n",
			srvCPU.Seconds()/n*1e6, selfCPU.Seconds()/n*1e6, int(cores), cores/perReq, cores/(srvCPU.Seconds()/n),
			100*(srvCPU+selfCPU).Seconds()/(wall.Seconds()*cores), loadavg())
	}
}

// streamArrow reads one Arrow IPC stream and decodes every record batch as
// it arrives; it prints the stream's bytes (Arrow IPC as sent, after HTTP
// chunking is removed), rows, and MB/s from request to last batch.
func streamArrow(u string, pid int) {
	srv0, self0 := procCPU(pid), selfCPU()
	start := time.Now()
	resp, err := http.Get(u)
	if err != nil {
		fail(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		fail(fmt.Errorf("stream: status %d: %s", resp.StatusCode, b))
	}
	cr := &countingReader{r: resp.Body}
	rd, err := ipc.NewReader(cr)
	if err != nil {
		fail(fmt.Errorf("stream: %w", err))
	}
	var rows, batches int64
	for rd.Next() {
		rows += rd.RecordBatch().NumRows()
		batches++
	}
	if err := rd.Err(); err != nil {
		fail(fmt.Errorf("stream: %w", err))
	}
	ncols := len(rd.Schema().Fields())
	rd.Release()
	if _, err := io.Copy(io.Discard, cr); err != nil {
		fail(fmt.Errorf("stream: %w", err))
	}
	s := time.Since(start).Seconds()
	srvCPU, selfCPU := procCPU(pid)-srv0, selfCPU()-self0
	fmt.Printf("stream %s: %d rows, %d columns in %d batches, %d Arrow bytes decoded in %.3f s = %.0f MB/s\n",
		u[strings.Index(u, "/api/"):], rows, ncols, batches, cr.n, s, float64(cr.n)/s/1e6)
	if pid > 0 {
		cores := float64(runtime.NumCPU())
		fmt.Printf("   CPU: server %.3f s, client %.3f s; ceiling of %d cores at that cost: %.0f MB/s; this run had %.0f%% of the machine's CPU (load average %s)\n",
			srvCPU.Seconds(), selfCPU.Seconds(), int(cores), float64(cr.n)/1e6/((srvCPU+selfCPU).Seconds()/cores),
			100*(srvCPU+selfCPU).Seconds()/(s*cores), loadavg())
	}
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// procCPU is the user + system CPU time of process pid so far (0: none).
func procCPU(pid int) time.Duration {
	if pid <= 0 {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		fail(err)
	}
	// fields after the command name (which may hold spaces), from field 3
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * time.Second / 100 // USER_HZ
}

func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		fail(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func loadavg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

func report(what string, lat []time.Duration, errs int64, wall time.Duration) {
	slices.Sort(lat)
	pct := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(p*float64(len(lat))))]
	}
	fmt.Printf("%s: %d requests in %.2f s = %.0f req/s; p50 %v, p99 %v, max %v; %d errors\n",
		what, len(lat), wall.Seconds(), float64(len(lat))/wall.Seconds(), pct(0.50).Round(10*time.Microsecond),
		pct(0.99).Round(10*time.Microsecond), pct(1).Round(10*time.Microsecond), errs)
}

func readIDs(path string) []string {
	f, err := os.Open(path)
	if err != nil {
		fail(err)
	}
	defer f.Close()
	var ids []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if s := strings.TrimSpace(sc.Text()); s != "" {
			ids = append(ids, s)
		}
	}
	if len(ids) == 0 {
		fail(fmt.Errorf("%s: no ids", path))
	}
	return ids
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "serveload:", err)
	os.Exit(1)
}
