// Package docgen writes reference documentation from the code it documents:
// the tables of file types, rejection reasons and removal kinds, and the keys
// of configuration structs with their doc comments (read with go/doc from the
// package source). Generated pages are checked in; a test regenerates them
// and fails on any difference, so docs cannot drift from the code.
package docgen

import (
	"fmt"
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"io"
	"path/filepath"
	"reflect"
	"strings"
)

// Field is one documented key of a configuration struct.
type Field struct {
	Key     string // the TOML key
	Type    string
	Default string
	Doc     string
}

// StructFields returns the TOML keys of the struct named typeName in the Go
// package at dir, with the doc comments of their fields, and their defaults
// from def (a value of that struct type).
func StructFields(dir, typeName string, def any) ([]Field, error) {
	fset := token.NewFileSet()
	names, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	var files []*ast.File
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			return nil, fmt.Errorf("parsing %s: %w", name, err)
		}
		files = append(files, f)
	}
	comments := map[string]string{}
	{
		dp, err := doc.NewFromFiles(fset, files, "x")
		if err != nil {
			return nil, err
		}
		for _, typ := range dp.Types {
			if typ.Name != typeName {
				continue
			}
			st, ok := typ.Decl.Specs[0].(*ast.TypeSpec).Type.(*ast.StructType)
			if !ok {
				return nil, fmt.Errorf("%s is not a struct", typeName)
			}
			for _, f := range st.Fields.List {
				for _, n := range f.Names {
					comments[n.Name] = strings.Join(strings.Fields(f.Doc.Text()), " ")
				}
			}
		}
	}
	if len(comments) == 0 {
		return nil, fmt.Errorf("type %s not found in %s", typeName, dir)
	}
	v := reflect.ValueOf(def)
	var out []Field
	for i := 0; i < v.NumField(); i++ {
		sf := v.Type().Field(i)
		key := strings.Split(sf.Tag.Get("toml"), ",")[0]
		if key == "" || key == "-" {
			continue
		}
		out = append(out, Field{Key: key, Type: tomlType(sf.Type), Default: tomlValue(v.Field(i)), Doc: comments[sf.Name]})
	}
	return out, nil
}

func tomlType(t reflect.Type) string {
	switch {
	case t.Kind() == reflect.Struct:
		return "table (section below)"
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Struct:
		return "array of tables (section below)"
	case t.String() == "time.Duration", t.Name() == "Duration":
		return "duration (\"90s\", \"5m\")"
	case t.Kind() == reflect.Slice:
		return "list of " + tomlType(t.Elem())
	case t.Kind() == reflect.Bool:
		return "boolean"
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		return "integer"
	}
	return "string"
}

func tomlValue(v reflect.Value) string {
	if k := v.Kind(); k == reflect.Struct || k == reflect.Slice && v.Type().Elem().Kind() == reflect.Struct {
		return "—"
	}
	if s, ok := v.Interface().(fmt.Stringer); ok && v.Type().Name() == "Duration" {
		return fmt.Sprintf("%q", s.String())
	}
	if v.Type().String() == "time.Duration" {
		return fmt.Sprintf("%q", v.Interface())
	}
	switch v.Kind() {
	case reflect.Slice:
		parts := make([]string, v.Len())
		for i := range parts {
			parts[i] = fmt.Sprintf("%q", v.Index(i).Interface())
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case reflect.String:
		return fmt.Sprintf("%q", v.Interface())
	}
	return fmt.Sprint(v.Interface())
}

// WriteFieldTable writes fields as a Markdown table.
func WriteFieldTable(w io.Writer, fields []Field) {
	fmt.Fprintln(w, "| key | type | default | meaning |")
	fmt.Fprintln(w, "|---|---|---|---|")
	for _, f := range fields {
		def := f.Default
		if len(def) > 60 {
			def = "(see below)"
		}
		fmt.Fprintf(w, "| `%s` | %s | `%s` | %s |\n", f.Key, f.Type, def, cell(f.Doc))
	}
}

// cell makes text safe inside a Markdown table cell.
func cell(s string) string { return strings.ReplaceAll(s, "|", "\\|") }

// Row is one line of a code table.
type Row []string

// WriteTable writes a Markdown table with the given header.
func WriteTable(w io.Writer, header []string, rows []Row) {
	fmt.Fprintln(w, "| "+strings.Join(header, " | ")+" |")
	fmt.Fprintln(w, strings.Repeat("|---", len(header))+"|")
	for _, r := range rows {
		cells := make([]string, len(r))
		for i, c := range r {
			cells[i] = cell(c)
		}
		fmt.Fprintln(w, "| "+strings.Join(cells, " | ")+" |")
	}
}
