package synapse

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
)

func TestCellsUnifiedViewAndProofreading(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// CAVE reference-table shape: id is the annotation id, target_id the nucleus
	auto := write("auto.csv", "id,target_id,classification_system,cell_type,pt_root_id,pt_position_x,pt_position_y,pt_position_z\n"+
		"1,100,excitatory_neuron,23P,11,1,2,3\n"+
		"2,101,excitatory_neuron,4P,12,1,2,3\n"+
		"3,102,excitatory_neuron,4P,12,1,2,3\n"+ // root 12 carries two nuclei
		"4,103,inhibitory_neuron,BC,13,1,2,3\n"+
		"5,104,nonneuron,astrocyte,0,1,2,3\n"+
		"6,105,nonneuron,astrocyte,0,1,2,3\n")
	manual := write("manual.csv", "id,target_id,classification_system,cell_type,pt_root_id,pt_position\n"+
		"1,100,aibs_coarse_excitatory,5P-IT,11,\"[1, 2, 3]\"\n"+
		"2,101,aibs_coarse_excitatory,4P,12,\"[1, 2, 3]\"\n")
	proof := write("proof.csv", "id,pt_root_id,status_dendrite,status_axon,strategy_dendrite,strategy_axon\n"+
		"1,11,t,t,dendrite_extended,axon_fully_extended\n2,12,t,f,dendrite_extended,none\n3,13,f,t,none,axon_column_truncated\n")
	ct := filepath.Join(dir, "ct.parquet")
	if _, err := WriteCellTable(ctx, auto, ct, CellTableOptions{Kind: KindCellType, Source: "automated", TempDir: dir}); err != nil {
		t.Fatal(err)
	}
	ct2 := filepath.Join(dir, "ct2.parquet")
	n, err := WriteCellTable(ctx, manual, ct2, CellTableOptions{Kind: KindCellType, Source: "manual", TempDir: dir, Existing: ct})
	if err != nil {
		t.Fatal(err)
	}
	if n != 8 {
		t.Errorf("merged cell-type rows %d, want 6 automated + 2 manual", n)
	}
	pr := filepath.Join(dir, "pr.parquet")
	if _, err := WriteCellTable(ctx, proof, pr, CellTableOptions{Kind: KindProofreading, TempDir: dir}); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var levels string
	if err := db.QueryRow("SELECT string_agg(status_axon || '/' || status_dendrite, ' ' ORDER BY pt_root_id) FROM read_parquet('" + pr + "')").Scan(&levels); err != nil {
		t.Fatal(err)
	}
	if levels != "extended/extended non/extended clean/non" {
		t.Errorf("ProofreadingLevel mapping: %s", levels)
	}
	c, err := LoadCells(ctx, ct2, pr)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64][2]string{11: {"23P", "5P-IT"}, 12: {Unsure, "4P"}, 13: {"BC", Unsure}}
	for root, w := range want {
		got := c.Types[root]
		if got == nil || got.TypeAuto != w[0] || got.TypeManual != w[1] {
			t.Errorf("root %d: %+v, want auto %s manual %s", root, got, w[0], w[1])
		}
	}
	if c.Types[11].Nucleus != 100 || c.TypeOf(11) != "5P-IT" || c.TypeOf(13) != "BC" || c.TypeOf(99) != Unsure {
		t.Errorf("nucleus %d, best types %s %s %s", c.Types[11].Nucleus, c.TypeOf(11), c.TypeOf(13), c.TypeOf(99))
	}
	if !c.MultiNucleus[12] || !c.MultiNucleus[0] || c.Types[0] != nil {
		t.Errorf("multi-nucleus roots: %v", c.MultiNucleus)
	}
	axon, _ := c.Proofread("axon")
	dend, _ := c.Proofread("dendrite")
	both, _ := c.Proofread("both")
	if len(axon) != 2 || len(dend) != 2 || len(both) != 1 || both[0] != 11 {
		t.Errorf("proofread axon %v dendrite %v both %v", axon, dend, both)
	}
	var view capture
	if _, err := WriteCellView(c, "", &view); err != nil {
		t.Fatal(err)
	}
	if len(view.rows) != 3 {
		t.Errorf("unified view rows %v", view.rows)
	}
}
