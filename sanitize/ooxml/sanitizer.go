package ooxml

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/kakehashi/kakehashi/sanitize"
)

// Sanitizer rebuilds OOXML packages. The zero value is ready to use; it is
// stateless and safe for concurrent use.
type Sanitizer struct{}

var _ sanitize.Sanitizer = (*Sanitizer)(nil)

// modTime is written on every member so that the same input gives the same
// output bytes (golden reports, deduplication by hash).
var modTime = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// Sanitize implements sanitize.Sanitizer.
func (s *Sanitizer) Sanitize(ctx context.Context, in sanitize.Input, out io.Writer, env *sanitize.Env, rep *sanitize.Report) error {
	env = withDefaults(env)
	members, err := openZip(in, env, env.Budget)
	if err != nil {
		return err
	}
	p, err := load(members, env)
	if err != nil {
		return err
	}
	rep.Type = p.typ
	rep.OutputType = p.typ.OutputType()
	if err := p.decide(env, rep); err != nil {
		return err
	}
	zw := zip.NewWriter(out)
	if err := p.write(ctx, zw, env, rep); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("finishing zip: %w", err)
	}
	return nil
}

// withDefaults fills what a caller outside the engine may leave empty.
func withDefaults(env *sanitize.Env) *sanitize.Env {
	e := sanitize.Env{}
	if env != nil {
		e = *env
	}
	e.Limits = e.Limits.WithDefaults()
	if e.Budget == nil {
		e.Budget = sanitize.NewBudget(e.Limits)
	}
	return &e
}

// write emits [Content_Types].xml, then every copied part in zip order.
func (p *pkg) write(ctx context.Context, zw *zip.Writer, env *sanitize.Env, rep *sanitize.Report) error {
	w, err := zw.CreateHeader(&zip.FileHeader{Name: contentTypesName, Method: zip.Deflate, Modified: modTime})
	if err != nil {
		return fmt.Errorf("writing %s: %w", contentTypesName, err)
	}
	if err := writeContentTypes(w, p.ct, p.kept, p.spell(p.mainKey)); err != nil {
		return fmt.Errorf("writing %s: %w", contentTypesName, err)
	}
	var book bookState
	for i := range p.members {
		if err := ctx.Err(); err != nil {
			return sanitize.Reject(sanitize.ReasonTimeout, "%v", err)
		}
		m := &p.members[i]
		key := strings.ToLower(m.name)
		if source, isRels := sourceOfRels(m.name); isRels {
			if source == "" || p.kept[strings.ToLower(source)] {
				if err := p.writeRelsPart(zw, m, strings.ToLower(source)); err != nil {
					return err
				}
			}
			continue
		}
		if !p.kept[key] {
			continue
		}
		class := contentTypes[p.ct.of(key)]
		if !isXMLRole(class.role) {
			if err := copyRaw(zw, m); err != nil {
				return err
			}
			continue
		}
		var bs *bookState
		if class.role == roleWorkbook {
			bs = &book
		}
		f := newFilter(class.role, p.relsByID(key), env, bs)
		if err := p.writeXMLPart(zw, m, f, env, rep); err != nil {
			return err
		}
	}
	return nil
}

// writeXMLPart checks one XML part with its filter; unchanged parts are
// copied raw, changed ones are filtered again into the output.
func (p *pkg) writeXMLPart(zw *zip.Writer, m *member, f *filter, env *sanitize.Env, rep *sanitize.Report) error {
	if err := filterMember(m, f, io.Discard); err != nil {
		return err
	}
	if f.book != nil {
		f.book.final = true
		if f.book.sheetIdx > 0 && len(f.book.removedIdx) == f.book.sheetIdx {
			// Only macro or dialog sheets: nothing a clerk could read is
			// left, and a workbook without sheets does not open.
			return sanitize.Reject(sanitize.ReasonActiveContent, "%s holds only macro sheets", clip(m.name))
		}
	}
	if !f.changed {
		return copyRaw(zw, m)
	}
	kinds := make([]string, 0, len(f.removed))
	for k := range f.removed {
		kinds = append(kinds, string(k))
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		rep.Remove(sanitize.RemovalKind(k), env.Loc(m.name), f.removed[sanitize.RemovalKind(k)])
	}
	w, err := zw.CreateHeader(&zip.FileHeader{Name: m.name, Method: zip.Deflate, Modified: modTime})
	if err != nil {
		return fmt.Errorf("writing %s: %w", m.name, err)
	}
	return filterMember(m, f, w)
}

func filterMember(m *member, f *filter, w io.Writer) error {
	rc, err := m.f.Open()
	if err != nil {
		return sanitize.Reject(sanitize.ReasonMalformed, "opening %q: %v", clip(m.name), err)
	}
	defer rc.Close()
	if err := f.run(rc, w); err != nil {
		return inPart(err, m.name)
	}
	// Reading to the end lets archive/zip check the CRC and the size.
	if _, err := io.Copy(io.Discard, rc); err != nil {
		return sanitize.Reject(sanitize.ReasonMalformed, "reading %q: %v", clip(m.name), err)
	}
	return nil
}

// writeRelsPart copies a relationships part raw when every relationship
// stays, and writes the kept ones otherwise.
func (p *pkg) writeRelsPart(zw *zip.Writer, m *member, source string) error {
	rs := p.rels[source]
	all := true
	for _, rl := range rs {
		all = all && rl.keep
	}
	if all {
		return copyRaw(zw, m)
	}
	w, err := zw.CreateHeader(&zip.FileHeader{Name: m.name, Method: zip.Deflate, Modified: modTime})
	if err != nil {
		return fmt.Errorf("writing %s: %w", m.name, err)
	}
	return writeRels(w, rs)
}

// copyRaw copies a member's compressed bytes and CRC as they are: no
// decompression, no recompression, constant memory.
func copyRaw(zw *zip.Writer, m *member) error {
	f := m.f
	w, err := zw.CreateRaw(&zip.FileHeader{
		Name:               m.name,
		Method:             f.Method,
		CRC32:              f.CRC32,
		CompressedSize64:   f.CompressedSize64,
		UncompressedSize64: f.UncompressedSize64,
		Modified:           modTime,
	})
	if err != nil {
		return fmt.Errorf("writing %s: %w", m.name, err)
	}
	r, err := f.OpenRaw()
	if err != nil {
		return sanitize.Reject(sanitize.ReasonMalformed, "opening %q: %v", clip(m.name), err)
	}
	n, err := io.Copy(w, r)
	if err != nil {
		if _, ok := sanitize.AsRejection(err); ok {
			return err
		}
		return sanitize.Reject(sanitize.ReasonMalformed, "copying %q: %v", clip(m.name), err)
	}
	if uint64(n) != f.CompressedSize64 {
		return sanitize.Reject(sanitize.ReasonMalformed, "zip member %q is truncated", clip(m.name))
	}
	return nil
}
