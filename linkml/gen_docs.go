package linkml

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Docs writes Markdown documentation into dir: index.md listing classes,
// enums and types, and one <Class>.md per class with its description,
// inheritance, slot table (name, range, cardinality, description) and the
// classes that refer to it. It returns the files written.
func (s *Schema) Docs(dir string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var files []string
	write := func(name, body string) error {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			return err
		}
		files = append(files, p)
		return nil
	}
	var idx strings.Builder
	fmt.Fprintf(&idx, "# %s\n\n%s\n\n", s.Root.Name, s.Root.Description)
	if s.Root.ID != "" {
		fmt.Fprintf(&idx, "Schema id: `%s`\n\n", s.Root.ID)
	}
	idx.WriteString("## Classes\n\n| Class | Description |\n|---|---|\n")
	for _, cn := range s.classOrder {
		fmt.Fprintf(&idx, "| [%s](%s.md) | %s |\n", cn, cn, mdCell(s.classes[cn].Description))
	}
	if len(s.enumOrder) > 0 {
		idx.WriteString("\n## Enums\n\n| Enum | Permissible values | Description |\n|---|---|---|\n")
		for _, en := range s.enumOrder {
			e := s.enums[en]
			var vals []string
			for _, v := range e.Values {
				vals = append(vals, "`"+v.Text+"`")
			}
			fmt.Fprintf(&idx, "| %s | %s | %s |\n", en, strings.Join(vals, ", "), mdCell(e.Description))
		}
	}
	idx.WriteString("\n## Types\n\n| Type | Based on | Constraints | Description |\n|---|---|---|---|\n")
	for _, tn := range s.typeOrder {
		t := s.types[tn]
		if t.Module == "types" {
			continue
		}
		fmt.Fprintf(&idx, "| %s | %s | %s | %s |\n", tn, t.Typeof, mdCell(typeConstraints(s.typeResolve[tn])), mdCell(t.Description))
	}
	if err := write("index.md", idx.String()); err != nil {
		return files, err
	}
	for _, cn := range s.classOrder {
		c := s.classes[cn]
		var b strings.Builder
		fmt.Fprintf(&b, "# %s\n\n", cn)
		if c.Description != "" {
			b.WriteString(c.Description + "\n\n")
		}
		var flags []string
		if c.Abstract {
			flags = append(flags, "abstract")
		}
		if c.Mixin {
			flags = append(flags, "mixin")
		}
		if c.TreeRoot {
			flags = append(flags, "tree root")
		}
		if len(flags) > 0 {
			fmt.Fprintf(&b, "*%s class*\n\n", strings.Join(flags, ", "))
		}
		if c.IsA != "" {
			fmt.Fprintf(&b, "Is a: [%s](%s.md)\n\n", c.IsA, c.IsA)
		}
		if len(c.Mixins) > 0 {
			var ms []string
			for _, m := range c.Mixins {
				ms = append(ms, fmt.Sprintf("[%s](%s.md)", m, m))
			}
			fmt.Fprintf(&b, "Mixins: %s\n\n", strings.Join(ms, ", "))
		}
		if ds := s.children[cn]; len(ds) > 0 {
			var ms []string
			for _, m := range ds {
				ms = append(ms, fmt.Sprintf("[%s](%s.md)", m, m))
			}
			fmt.Fprintf(&b, "Subclasses: %s\n\n", strings.Join(ms, ", "))
		}
		if id := s.IdentifierSlot(cn, true); id != nil {
			fmt.Fprintf(&b, "Identifier: `%s`\n\n", id.Name)
		}
		b.WriteString("## Slots\n\n| Slot | Range | Cardinality | Description |\n|---|---|---|---|\n")
		for _, sl := range s.induced[cn] {
			rng := sl.Range
			if s.classes[rng] != nil {
				rng = fmt.Sprintf("[%s](%s.md)", rng, rng)
				if !s.IsInlined(sl) {
					rng += " (reference)"
				}
			}
			desc := sl.Description
			if extra := slotConstraints(sl); extra != "" {
				desc = strings.TrimSpace(desc + " " + extra)
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", sl.Name, rng, cardinality(sl), mdCell(desc))
		}
		var refs []string
		for _, other := range s.classOrder {
			for _, sl := range s.induced[other] {
				if sl.Range == cn && sl.Owner == other {
					refs = append(refs, fmt.Sprintf("[%s](%s.md).%s", other, other, sl.Name))
				}
			}
		}
		if len(refs) > 0 {
			fmt.Fprintf(&b, "\n## Referenced by\n\n%s\n", strings.Join(refs, ", "))
		}
		if err := write(cn+".md", b.String()); err != nil {
			return files, err
		}
	}
	return files, nil
}

func cardinality(sl *Slot) string {
	lo, hi := "0", "1"
	if sl.IsRequired() {
		lo = "1"
	}
	if sl.IsMultivalued() {
		hi = "*"
	}
	return lo + ".." + hi
}

func slotConstraints(sl *Slot) string {
	var parts []string
	if sl.IsIdentifier() {
		parts = append(parts, "identifier")
	}
	if sl.Pattern != "" {
		parts = append(parts, "pattern `"+sl.Pattern+"`")
	}
	if sl.MinimumValue != nil {
		parts = append(parts, "min "+fmtFloat(*sl.MinimumValue))
	}
	if sl.MaximumValue != nil {
		parts = append(parts, "max "+fmtFloat(*sl.MaximumValue))
	}
	if sl.IsRecommended() {
		parts = append(parts, "recommended")
	}
	if len(parts) == 0 {
		return ""
	}
	return "(" + strings.Join(parts, "; ") + ")"
}

func typeConstraints(t *resolvedType) string {
	var parts []string
	if t.Pattern != "" {
		parts = append(parts, "pattern `"+t.Pattern+"`")
	}
	if t.MinimumValue != nil {
		parts = append(parts, "min "+fmtFloat(*t.MinimumValue))
	}
	if t.MaximumValue != nil {
		parts = append(parts, "max "+fmtFloat(*t.MaximumValue))
	}
	return strings.Join(parts, "; ")
}

func mdCell(s string) string {
	s = strings.ReplaceAll(strings.TrimSpace(s), "\n", " ")
	return strings.ReplaceAll(s, "|", "\\|")
}
