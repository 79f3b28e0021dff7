package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/ccc-connectivity/ccc/store"
)

// Defect 10 of issue 12: every writing command has --wait DURATION.
func TestWaitFlagOnEveryWriter(t *testing.T) {
	root := NewRootCmd(&IO{})
	writers := []string{
		"ingest", "gc", "atlas load", "atlas volume add", "atlas download", "nwb ingest",
		"projections ingest", "projections summaries", "projections aggregate",
		"projections matrix build", "projections matrix ingest", "projections matrix axons",
		"synapses ingest", "synapses cells ingest",
		"taxonomy load", "cells ingest", "mappings ingest", "mappings compose", "features ingest",
	}
	for _, w := range writers {
		c, _, err := root.Find(strings.Fields(w))
		if err != nil || c.CommandPath() != "ccc "+w {
			t.Errorf("%s: not found (%v)", w, err)
			continue
		}
		f := c.Flags().Lookup("wait")
		if f == nil || f.Value.Type() != "duration" {
			t.Errorf("ccc %s: no --wait DURATION flag", w)
		}
	}
	// No other command opens a write transaction without the flag: every
	// command whose help says it writes/stores/ingests is in the list.
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, s := range c.Commands() {
			walk(s)
		}
		if c.Flags().Lookup("wait") != nil {
			path := strings.TrimPrefix(c.CommandPath(), "ccc ")
			found := false
			for _, w := range writers {
				found = found || w == path
			}
			if !found {
				t.Errorf("ccc %s has --wait but is not in the writer list", path)
			}
		}
	}
	walk(root)
}

func TestWaitFlagWaitsForTheWriter(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "st")
	if code, _, errOut := runCLI(t, nil, "init", dir); code != 0 {
		t.Fatal(errOut)
	}
	csv := filepath.Join(t.TempDir(), "regions.csv")
	os.WriteFile(csv, []byte("id,acronym,name,parent_structure_id\n997,root,root,\n8,grey,Basic cell groups and regions,997\n"), 0o644)
	s, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	tx, err := s.Begin(context.Background(), store.TxOptions{Dataset: "other"})
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"CCC_STORE": dir}
	t0 := time.Now()
	code, _, errOut := runCLI(t, env, "atlas", "load", "--wait", "300ms", csv)
	if code != ExitLocked || !strings.Contains(errOut, "waited 300ms") || time.Since(t0) < 300*time.Millisecond {
		t.Fatalf("locked store with --wait 300ms: %d %q after %s", code, errOut, time.Since(t0))
	}
	if code, _, errOut = runCLI(t, env, "atlas", "load", "--wait", "-1s", csv); code != ExitUsage {
		t.Fatalf("negative wait: %d %q", code, errOut)
	}
	go func() {
		time.Sleep(200 * time.Millisecond)
		tx.Rollback()
	}()
	code, _, errOut = runCLI(t, env, "atlas", "load", "--wait", "1m", csv)
	if code != 0 || !strings.Contains(errOut, "2 regions") {
		t.Fatalf("--wait 1m after the writer finished: %d %q", code, errOut)
	}
}
