package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ccc-connectivity/ccc/linkml"
)

// schemaOptions are the flags every 'ccc schema' subcommand shares.
type schemaOptions struct {
	IO      *IO
	Schema  string // --schema FILE; "" = built-in connectivity schema
	Strict  bool
	Class   string
	Dialect string
	Out     string
	Package string
	Verb    string
	Quiet   bool
}

func init() { register(20, newCmdSchema) }

func newCmdSchema(io *IO, g *globalOptions) *cobra.Command {
	opts := &schemaOptions{IO: io}
	cmd := &cobra.Command{
		Use:   "schema",
		Short: "Inspect the LinkML schema and generate artifacts from it",
		Long: `Inspect the LinkML schema (the built-in connectivity schema, or --schema FILE,
which may import the built-in modules as ccc:<module>) and generate what other
tools need: a Mermaid ER diagram, JSON Schema, SQL DDL, Markdown docs, Go structs.`,
	}
	cmd.PersistentFlags().StringVar(&opts.Schema, "schema", "", "LinkML schema file (default: the built-in connectivity schema)")
	cmd.PersistentFlags().BoolVar(&opts.Strict, "strict", false, "treat keys the LinkML metamodel does not define as errors")
	sub := func(use, short string, args cobra.PositionalArgs, setup func(c *cobra.Command)) {
		verb := strings.Fields(use)[0]
		c := &cobra.Command{
			Use:   use,
			Short: short,
			Args:  args,
			RunE: func(c *cobra.Command, args []string) error {
				opts.Verb = verb
				opts.Quiet = g.Quiet
				if len(args) == 1 { // jsonschema CLASS
					if opts.Class != "" && opts.Class != args[0] {
						return usageErr("give the class once: positional %q and --class %q differ", args[0], opts.Class)
					}
					opts.Class = args[0]
				}
				return runSchema(opts)
			},
		}
		if setup != nil {
			setup(c)
		}
		cmd.AddCommand(c)
	}
	sub("classes", "Print the schema's class names, one per line", cobra.NoArgs, nil)
	sub("erdiagram", "Print a Mermaid erDiagram of all classes and relationships", cobra.NoArgs, nil)
	sub("jsonschema [CLASS]", "Print a JSON Schema for one class (as linkml-validate uses)", cobra.MaximumNArgs(1), func(c *cobra.Command) {
		c.Flags().StringVar(&opts.Class, "class", "", "top-level class (default: the tree_root class)")
	})
	sub("sql", "Print SQL DDL (tables, primary and foreign keys)", cobra.NoArgs, func(c *cobra.Command) {
		c.Flags().StringVar(&opts.Dialect, "dialect", "duckdb", "SQL dialect: duckdb or postgres")
	})
	sub("docs", "Write Markdown documentation, one file per class", cobra.NoArgs, func(c *cobra.Command) {
		c.Flags().StringVar(&opts.Out, "out", "schema-docs", "output directory")
	})
	sub("go", "Print Go structs for the schema's classes", cobra.NoArgs, func(c *cobra.Command) {
		c.Flags().StringVar(&opts.Package, "package", "model", "Go package name")
	})
	return cmd
}

// loadSchema loads --schema (or the built-in schema) and prints warnings.
func loadLinkMLSchema(io *IO, file string, strict bool) (*linkml.Schema, error) {
	s, err := linkml.Load(file, linkml.LoadOptions{Strict: strict})
	if err != nil {
		return nil, err
	}
	for _, w := range s.Warnings {
		fmt.Fprintf(io.ErrOut, "ccc: warning: %s\n", w)
	}
	return s, nil
}

func runSchema(opts *schemaOptions) error {
	s, err := loadLinkMLSchema(opts.IO, opts.Schema, opts.Strict)
	if err != nil {
		return err
	}
	out := opts.IO.Out
	switch opts.Verb {
	case "classes":
		for _, c := range s.Classes() {
			if _, err := fmt.Fprintln(out, c); err != nil {
				return err
			}
		}
		return nil
	case "erdiagram":
		return s.ERDiagram(out, nil)
	case "jsonschema":
		return s.JSONSchema(out, opts.Class)
	case "sql":
		d := linkml.SQLDialect(strings.ToLower(opts.Dialect))
		if d != linkml.DuckDB && d != linkml.Postgres {
			return usageErr("--dialect %q: use duckdb or postgres", opts.Dialect)
		}
		return s.SQL(out, d)
	case "docs":
		files, err := s.Docs(opts.Out)
		if err != nil {
			return err
		}
		if !opts.Quiet {
			fmt.Fprintf(opts.IO.ErrOut, "wrote %d Markdown files to %s\n", len(files), opts.Out)
		}
		return nil
	case "go":
		return s.GoStructs(out, opts.Package)
	}
	return usageErr("unknown schema command %q", opts.Verb)
}
