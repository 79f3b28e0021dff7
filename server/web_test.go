package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ccc-connectivity/ccc/internal/testenv"
	"github.com/ccc-connectivity/ccc/server"
)

// browser starts headless Chromium (Debian's chromium; skipped locally when
// missing, a failure under CI=true) and collects console errors.
func browser(t *testing.T) (context.Context, func() []string) {
	t.Helper()
	exe, err := exec.LookPath("chromium")
	if err != nil {
		if testenv.InCI() {
			t.Fatal("chromium missing (scripts/setup.sh installs it)")
		}
		t.Skip("chromium not installed")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true), chromedp.WindowSize(1280, 900))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	var mu sync.Mutex
	var errs []string
	msgs := chromedp.Console(ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleException {
				mu.Lock()
				errs = append(errs, string(m.Type)+": "+m.Text+" "+m.URL)
				mu.Unlock()
			}
		}
	}()
	return ctx, func() []string { mu.Lock(); defer mu.Unlock(); return slices.Clone(errs) }
}

func run(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func getValue(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Value(sel))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// textsOf returns the text of every element matching a CSS selector.
func textsOf(t *testing.T, ctx context.Context, sel string) []string {
	t.Helper()
	out, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](fmt.Sprintf(`[...document.querySelectorAll(%q)].map(e => e.textContent)`, sel)))
	if err != nil {
		t.Fatalf("read %s: %v", sel, err)
	}
	return out
}

func TestExplorer(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	ctx, consoleErrors := browser(t)
	ts := newServer(t, "", server.Config{})
	u := ts.URL + "/"

	// datasets: the names and versions on screen are the API's
	run(t, ctx, "datasets", chromedp.Navigate(u+"#datasets"), chromedp.WaitVisible(`#view-datasets[data-loaded="1"]`))
	if got, want := textsOf(t, ctx, `#datasets td[data-col="dataset"]`), col(getRows(t, ts.URL+"/api/v1/datasets"), "dataset"); !slices.Equal(got, want) {
		t.Errorf("datasets on screen %v, API %v", got, want)
	}
	vs := getRows(t, ts.URL+"/api/v1/versions")
	if got := textsOf(t, ctx, `#versions td[data-col="message"]`); len(got) != len(vs) || len(got) < 13 || got[0] != "atlas load: 38 regions" {
		t.Errorf("versions on screen: %v", got)
	}
	if got := textsOf(t, ctx, "#store-version"); len(got) != 1 || got[0] != fmt.Sprintf("store version %d", len(vs)) {
		t.Errorf("store version: %v", got)
	}

	// tables: keyboard to the view (focus the link, Enter), first page, then a filter
	run(t, ctx, "tables", chromedp.Focus("#nav-tables"), chromedp.KeyEvent("\r"), chromedp.WaitVisible(`#view-tables[data-loaded="1"]`))
	if got := textsOf(t, ctx, `#table-rows td[data-col="acronym"]`); len(got) != 38 {
		t.Errorf("BrainRegion page: %d rows", len(got))
	}
	run(t, ctx, "filter", chromedp.SetValue("#filter-col", "acronym"), chromedp.SetValue("#filter-op", "in"),
		chromedp.SendKeys("#filter-val", "VISp,VIS"), chromedp.Click("#filter-add"),
		chromedp.WaitVisible(`//span[@id="page-info"][text()="rows 1–2"]`))
	ids := textsOf(t, ctx, `#table-rows td[data-col="id"]`)
	want := col(getRows(t, ts.URL+"/api/v1/tables/BrainRegion?in.acronym=VISp,VIS&limit=50&offset=0"), "id")
	if !slices.Equal(ids, want) || len(ids) != 2 {
		t.Errorf("filtered ids on screen %v, API %v", ids, want)
	}
	// paging: 25 per page over the 38 regions
	run(t, ctx, "paging", chromedp.Click(`#filters button`), chromedp.WaitVisible(`//span[@id="page-info"][text()="rows 1–38"]`),
		chromedp.SetValue("#page-size", "25"), chromedp.Click("#table-run"), chromedp.WaitVisible(`//span[@id="page-info"][text()="rows 1–25"]`),
		chromedp.Click("#next"), chromedp.WaitVisible(`//span[@id="page-info"][text()="rows 26–38"]`))
	page2 := textsOf(t, ctx, `#table-rows td[data-col="id"]`)
	if want := col(getRows(t, ts.URL+"/api/v1/tables/BrainRegion?limit=25&offset=25"), "id"); !slices.Equal(page2, want) {
		t.Errorf("page 2 on screen %v, API %v", page2, want)
	}

	// atlas: search with the keyboard, open a region, expand the tree
	run(t, ctx, "atlas", chromedp.Navigate(u+"#atlas"), chromedp.WaitVisible(`#view-atlas[data-loaded="1"]`),
		chromedp.SendKeys("#atlas-q", "visual\r"), chromedp.WaitVisible(`#view-atlas[data-searched="1"]`))
	hits := getRows(t, ts.URL+"/api/v1/atlas/search?q=visual&limit=20")
	var wantHits []string
	for _, h := range hits {
		wantHits = append(wantHits, fmt.Sprintf("%s — %s", h["acronym"], h["name"]))
	}
	if got := textsOf(t, ctx, "#atlas-results button"); !slices.Equal(got, wantHits) {
		t.Errorf("search on screen %v\nAPI %v", got, wantHits)
	}
	run(t, ctx, "region", chromedp.Click(`#atlas-results button[data-id="385"]`), chromedp.WaitVisible("#atlas-path"))
	if got := textsOf(t, ctx, "#atlas-path"); len(got) != 1 || got[0] != "root › grey › CH › CTX › CTXpl › Isocortex › VIS › VISp" {
		t.Errorf("path on screen %v", got)
	}
	run(t, ctx, "tree", chromedp.Click(`#atlas-tree li[data-id="997"] > button.toggle`), chromedp.WaitVisible(`#atlas-tree li[data-id="997"] > ul`))
	if got, want := textsOf(t, ctx, `#atlas-tree li[data-id="997"] > ul > li > button.region`), getRows(t, ts.URL+"/api/v1/atlas/regions/997/children"); len(got) != len(want) || got[0] != fmt.Sprintf("%s — %s", want[0]["acronym"], want[0]["name"]) {
		t.Errorf("tree children on screen %v, API %v", got, col(want, "acronym"))
	}

	// connectivity: the ten busiest neurons' matrix equals the API's
	run(t, ctx, "connectivity", chromedp.Navigate(u+"#connectivity"), chromedp.WaitVisible(`#view-connectivity[data-mode="neurons"]`))
	// ids as strings: a float64 would round them
	_, b := get(t, ts.URL+"/api/v1/synapses/degree", "Accept", "application/json; int64=string")
	var deg []struct {
		Root string  `json:"pt_root_id"`
		Out  float64 `json:"out_degree"`
	}
	if err := json.Unmarshal(b, &deg); err != nil {
		t.Fatal(err)
	}
	sort.SliceStable(deg, func(i, j int) bool {
		if deg[i].Out != deg[j].Out {
			return deg[i].Out > deg[j].Out
		}
		a, _ := strconv.ParseInt(deg[i].Root, 10, 64)
		b, _ := strconv.ParseInt(deg[j].Root, 10, 64)
		return a < b
	})
	var top []string
	for _, d := range deg[:10] {
		top = append(top, d.Root)
	}
	if got := strings.Split(textsOf(t, ctx, "#conn-ids")[0]+getValue(t, ctx, "#conn-ids"), ","); !slices.Equal(got, top) {
		t.Errorf("default neurons %v, want %v", got, top)
	}
	m := getRows(t, ts.URL+"/api/v1/synapses/matrix?value=count&neurons="+strings.Join(top, ","))
	if got := textsOf(t, ctx, `#conn-table td[data-col="pre_pt_root_id"]`); len(got) != len(m) || len(got) == 0 {
		t.Errorf("matrix rows on screen %v", got)
	}
	var wantCells, gotCells []string
	for _, r := range m {
		for _, c := range top {
			if v, ok := r[c]; ok {
				wantCells = append(wantCells, fmt.Sprint(v))
			}
		}
	}
	for _, c := range top {
		gotCells = append(gotCells, textsOf(t, ctx, fmt.Sprintf(`#conn-table td[data-col="%s"]`, c))...)
	}
	sort.Strings(wantCells)
	sort.Strings(gotCells)
	if !slices.Equal(gotCells, wantCells) || len(gotCells) != 100 {
		t.Errorf("matrix cells on screen (%d) differ from the API's (%d)", len(gotCells), len(wantCells))
	}
	if dir := os.Getenv("CCC_SCREENSHOTS"); dir != "" {
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "explorer_connectivity.png"), png, 0o644)
	}
	run(t, ctx, "cell types", chromedp.Click("#conn-types"), chromedp.WaitVisible(`#view-connectivity[data-mode="types"]`))
	if got, want := textsOf(t, ctx, `#conn-table td[data-col="connection_probability"]`), getRows(t, ts.URL+"/api/v1/synapses/matrix?proofread=subgraph&by=cell_type"); len(got) != len(want) || len(got) == 0 {
		t.Errorf("type matrix on screen: %d rows, API %d", len(got), len(want))
	}

	// projections: matrices list and a slice image
	run(t, ctx, "projections", chromedp.Navigate(u+"#projections"), chromedp.WaitVisible(`#view-projections[data-loaded="1"]`))
	if got := textsOf(t, ctx, `#matrices td[data-col="name"]`); !slices.Equal(got, []string{"quickstart-density", "quickstart-mapseq"}) {
		t.Errorf("matrices on screen %v", got)
	}
	w, err := chromedp.Run(ctx, chromedp.Poll[int](`document.getElementById("slice-img").complete && document.getElementById("slice-img").naturalWidth`, chromedp.WithPollingTimeout(20*time.Second)))
	if err != nil || w < 50 {
		t.Errorf("slice image width %d: %v", w, err)
	}
	run(t, ctx, "sagittal", chromedp.SetValue("#slice-plane", "sagittal"), chromedp.SetValue("#slice-group", "AP2"), chromedp.Click(`#slice-form button`))
	if w, err := chromedp.Run(ctx, chromedp.Poll[int](`document.getElementById("slice-img").src.includes("plane=sagittal") && document.getElementById("slice-img").complete && document.getElementById("slice-img").naturalWidth`, chromedp.WithPollingTimeout(20*time.Second))); err != nil || w < 50 {
		t.Errorf("sagittal slice width %d: %v", w, err)
	}

	// schema: classes, slots, ER diagram; another class by click
	run(t, ctx, "schema", chromedp.Navigate(u+"#schema"), chromedp.WaitVisible(`#view-schema[data-shown="BrainRegion"]`))
	if got := textsOf(t, ctx, `#schema-classes td[data-col="class"] button`); len(got) != 39 {
		t.Errorf("schema classes on screen: %d", len(got))
	}
	slots := col(getRows(t, ts.URL+"/api/v1/schema/classes/BrainRegion"), "slot")
	if got := textsOf(t, ctx, `#schema-slots td[data-col="slot"]`); !slices.Equal(got, slots) {
		t.Errorf("slots on screen %v, API %v", got, slots)
	}
	run(t, ctx, "schema class", chromedp.Click(`//td[@data-col="class"]/button[text()="Synapse"]`), chromedp.WaitVisible(`#view-schema[data-shown="Synapse"]`))
	if got := textsOf(t, ctx, "#schema-er"); len(got) != 1 || !strings.HasPrefix(got[0], "erDiagram") || !strings.Contains(got[0], "Synapse {") {
		t.Errorf("ER diagram on screen %.100v", got)
	}
	if errs := consoleErrors(); len(errs) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
	if got := textsOf(t, ctx, "#error"); len(got) != 1 || got[0] != "" {
		t.Errorf("error line on screen: %v", got)
	}
}
