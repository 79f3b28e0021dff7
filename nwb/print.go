package nwb

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// WriteText prints the session summary for people; with tree, the object
// tree follows (neurodata types, dataset shapes and dtypes, links).
func (in *Info) WriteText(w io.Writer, tree bool) {
	fmt.Fprintf(w, "file                 %s\n", in.Path)
	fmt.Fprintf(w, "nwb_version          %s\n", in.NWBVersion)
	fmt.Fprintf(w, "identifier           %s\n", in.Identifier)
	fmt.Fprintf(w, "session_description  %s\n", in.SessionDescription)
	fmt.Fprintf(w, "session_start_time   %s\n", in.SessionStartTime)
	if len(in.FileCreateDate) > 0 {
		fmt.Fprintf(w, "file_create_date     %s\n", strings.Join(in.FileCreateDate, ", "))
	}
	for _, k := range sortedKeys(in.General) {
		fmt.Fprintf(w, "%-20s %s\n", k, in.General[k])
	}
	if len(in.Namespaces) > 0 {
		var ns []string
		for _, n := range in.Namespaces {
			ns = append(ns, n.Name+" "+n.Version)
		}
		fmt.Fprintf(w, "namespaces           %s\n", strings.Join(ns, ", "))
	}
	if in.Subject != nil {
		fmt.Fprintf(w, "\nsubject\n")
		for _, k := range sortedKeys(in.Subject) {
			fmt.Fprintf(w, "  %-22s %s\n", k, in.Subject[k])
		}
	}
	comp := func(title string, cs []Component) {
		if len(cs) == 0 {
			return
		}
		fmt.Fprintf(w, "\n%s (%d)\n", title, len(cs))
		for _, c := range cs {
			var parts []string
			for _, k := range sortedKeys(c.Attrs) {
				parts = append(parts, k+"="+c.Attrs[k])
			}
			if c.Device != "" {
				parts = append(parts, "device="+c.Device)
			}
			fmt.Fprintf(w, "  %-10s %-22s %s\n", c.Name, c.NeurodataType, strings.Join(parts, "  "))
		}
	}
	comp("devices", in.Devices)
	comp("electrode groups", in.ElectrodeGroups)
	if len(in.Tables) > 0 {
		fmt.Fprintf(w, "\ntables (%d)\n", len(in.Tables))
		for _, t := range in.Tables {
			if t.Error != "" {
				fmt.Fprintf(w, "  %-52s %-14s unreadable: %s\n", t.Path, t.NeurodataType, t.Error)
				continue
			}
			fmt.Fprintf(w, "  %-52s %-14s %6d rows  %d columns: %s\n", t.Path, t.NeurodataType, t.Rows, len(t.Columns), shorten(strings.Join(t.Columns, ", "), 100))
		}
	}
	if in.Tree != nil {
		for _, top := range []string{"acquisition", "processing", "analysis", "stimulus", "intervals"} {
			for _, c := range in.Tree.Children {
				if c.Name != top || len(c.Children) == 0 {
					continue
				}
				fmt.Fprintf(w, "\n%s\n", top)
				for _, s := range c.Children {
					fmt.Fprintf(w, "  %s\n", nodeLine(s))
					for _, d := range s.Children {
						if d.NeurodataType != "" && d.Group || d.Link != "" || !d.Group && d.Name != "data" && len(d.Shape) > 1 {
							fmt.Fprintf(w, "    %s\n", nodeLine(d))
						}
					}
				}
			}
		}
	}
	if tree && in.Tree != nil {
		fmt.Fprintf(w, "\ntree\n")
		printTree(w, in.Tree, "")
	}
}

func nodeLine(n *Node) string {
	s := n.Name
	if n.Link != "" {
		return s + " -> " + n.Link
	}
	if n.NeurodataType != "" {
		s += " (" + n.NeurodataType + ")"
	}
	if n.Group {
		for _, c := range n.Children {
			if c.Name == "data" && !c.Group && c.Link == "" {
				s += "  data " + c.DType + " " + shapeString(c.Shape)
				if c.Chunks != nil {
					s += " chunks " + shapeString(c.Chunks)
				}
			}
		}
	}
	if !n.Group {
		s += " " + n.DType + " " + shapeString(n.Shape)
		if n.Chunks != nil {
			s += " chunks " + shapeString(n.Chunks)
		}
	}
	return s
}

func shapeString(s []int) string {
	if s == nil {
		return "scalar"
	}
	parts := make([]string, len(s))
	for i, v := range s {
		parts[i] = fmt.Sprint(v)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func printTree(w io.Writer, n *Node, indent string) {
	for i, c := range n.Children {
		branch, next := "├── ", "│   "
		if i == len(n.Children)-1 {
			branch, next = "└── ", "    "
		}
		fmt.Fprintf(w, "%s%s%s\n", indent, branch, nodeLine(c))
		if c.Group && c.Link == "" {
			printTree(w, c, indent+next)
		}
	}
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-3] + "..."
}

// SeriesSelection chooses the samples WriteText prints.
type SeriesSelection struct {
	Start, Count   int  // samples (first dimension)
	ChanLo, ChanHi int  // channel range (second dimension); 0, 0 = all
	Scaled         bool // apply conversion and offset
}

// WriteText prints the series' metadata (data type, shape, layout, unit,
// time base, electrodes region) and a slice of its values with their times.
func (s *Series) WriteText(w io.Writer, sel SeriesSelection) error {
	shape := s.Shape()
	fmt.Fprintf(w, "series       %s (%s)\n", s.Path, s.NeurodataType)
	layout := "contiguous"
	if c := s.Data().Chunks; c != nil {
		layout = fmt.Sprintf("chunks %v", c)
	}
	fmt.Fprintf(w, "data         %s %v %s\n", s.Data().Type, shape, layout)
	fmt.Fprintf(w, "unit         %s (conversion %g, offset %g)\n", s.Unit, s.Conversion, s.Offset)
	if s.TimestampsPath != "" {
		fmt.Fprintf(w, "time         timestamps %s\n", s.TimestampsPath)
	} else {
		fmt.Fprintf(w, "time         starting_time %g s, rate %g Hz\n", s.StartingTime, s.Rate)
	}
	if s.ElectrodesPath != "" {
		tbl, rows, err := s.Electrodes()
		if err != nil {
			return err
		}
		shown := fmt.Sprint(rows)
		if len(rows) > 12 {
			shown = fmt.Sprint(rows[:12]) + fmt.Sprintf(" ... (%d)", len(rows))
		}
		fmt.Fprintf(w, "electrodes   %d rows of %s: %s\n", len(rows), tbl, shown)
	}
	if len(shape) == 0 {
		return nil
	}
	count := max(0, min(sel.Count, shape[0]-sel.Start))
	start := make([]int, len(shape))
	cnt := append([]int(nil), shape...)
	start[0], cnt[0] = sel.Start, count
	if len(shape) > 1 && sel.ChanHi > sel.ChanLo {
		start[1], cnt[1] = sel.ChanLo, min(sel.ChanHi, shape[1])-sel.ChanLo
	}
	vals, err := s.Values(start, cnt, sel.Scaled)
	if err != nil {
		return err
	}
	times, err := s.Times(sel.Start, count)
	if err != nil {
		return err
	}
	width := 1
	for _, c := range cnt[1:] {
		width *= c
	}
	fmt.Fprintf(w, "\n%-14s values [%d:%d", "time (s)", start[0], start[0]+count)
	for d := 1; d < len(cnt); d++ {
		fmt.Fprintf(w, ", %d:%d", start[d], start[d]+cnt[d])
	}
	fmt.Fprintln(w, "]")
	for i := 0; i < count; i++ {
		fmt.Fprintf(w, "%-14.6f", times[i])
		for j := 0; j < width; j++ {
			fmt.Fprintf(w, " %12.6g", vals[i*width+j])
		}
		fmt.Fprintln(w)
	}
	return nil
}
