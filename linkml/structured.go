package linkml

import (
	"regexp"
	"strings"
)

// settingRef is LinkML's PatternResolver.var_name: {name} references to
// settings inside a structured_pattern's syntax.
var settingRef = regexp.MustCompile(`(?i)\{([a-z0-9_-]+([.-_ ][a-z0-9]+)*)\}`)

// resolveStructured turns a structured_pattern into the regular expression
// it stands for, as SchemaView.resolve_pattern does: interpolated {name}
// references are replaced by the settings' values ({{name}} keeps {name}),
// references in a pattern that is not interpolated stay literal, and
// without partial_match the pattern must match the whole value.
func resolveStructured(sp *StructuredPattern, settings map[string]string) string {
	src := sp.Syntax
	var b strings.Builder
	last := 0
	for _, m := range settingRef.FindAllStringSubmatchIndex(src, -1) {
		start, end, name := m[0], m[1], src[m[2]:m[3]]
		repl, ok := "", false
		switch {
		case sp.Interpolated && start > 0 && end < len(src) && src[start-1] == '{' && src[end] == '}':
			repl, ok = name, true
		case sp.Interpolated:
			repl, ok = settings[name]
		default:
			if _, known := settings[name]; known {
				repl, ok = regexp.QuoteMeta(src[start:end]), true
			}
		}
		if !ok {
			continue
		}
		b.WriteString(src[last:start])
		b.WriteString(repl)
		last = end
	}
	b.WriteString(src[last:])
	out := b.String()
	if !sp.PartialMatch {
		out = "^(?:" + out + ")$"
	}
	return out
}

// resolveStructuredPatterns materializes the structured patterns of one
// module's definitions with that module's settings.
func (pm *parsed) resolveStructuredPatterns() {
	set := pm.mod.Settings
	for _, t := range pm.types {
		if t.StructuredPattern != nil {
			t.Pattern = resolveStructured(t.StructuredPattern, set)
		}
	}
	slot := func(s *Slot) {
		if s.StructuredPattern != nil {
			s.Pattern = resolveStructured(s.StructuredPattern, set)
		}
	}
	for _, s := range pm.slots {
		slot(s)
	}
	for _, c := range pm.classes {
		for _, s := range c.Attributes {
			slot(s)
		}
		for _, s := range c.SlotUsage {
			slot(s)
		}
	}
}
