package pdf

import (
	"fmt"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"github.com/kakehashi/kakehashi/sanitize"
)

// finding is one piece of active content at one object.
type finding struct {
	kind sanitize.RemovalKind
	obj  int
}

// stripper walks every object of a document. With apply it removes what
// the rules name; without, it only reports (the verification pass).
type stripper struct {
	xt        *model.XRefTable
	removeURI bool
	apply     bool
	found     []finding
}

func (s *stripper) run() {
	for nr, e := range s.xt.Table {
		if e == nil || e.Free || e.Object == nil {
			continue
		}
		s.object(nr, e.Object, 0)
	}
}

// maxNesting bounds recursion into direct (inline) objects.
const maxNesting = 64

func (s *stripper) object(nr int, o types.Object, depth int) {
	if depth > maxNesting {
		return
	}
	switch v := o.(type) {
	case types.Dict:
		s.dict(nr, v, depth)
	case types.StreamDict:
		s.dict(nr, v.Dict, depth)
	case types.Array:
		for _, x := range v {
			s.object(nr, x, depth+1)
		}
	}
}

func (s *stripper) note(kind sanitize.RemovalKind, nr int) {
	s.found = append(s.found, finding{kind, nr})
}

// drop records kind and, when applying, deletes key from d.
func (s *stripper) drop(d types.Dict, key string, kind sanitize.RemovalKind, nr int) {
	s.note(kind, nr)
	if s.apply {
		delete(d, key)
	}
}

func (s *stripper) dict(nr int, d types.Dict, depth int) {
	// A JavaScript action's own /JS is removed with it; the removal was
	// counted where the action was held, so it is not counted twice.
	if typ, _ := name(d["S"]); typ == "JavaScript" && s.apply {
		delete(d, "JS")
	}
	// Keys that are active content wherever they appear.
	for key, kind := range map[string]sanitize.RemovalKind{
		"AA":            sanitize.RemovedAdditionalAct,
		"JS":            sanitize.RemovedJavaScript,
		"JavaScript":    sanitize.RemovedJavaScript,
		"EmbeddedFiles": sanitize.RemovedEmbeddedFile,
		"EF":            sanitize.RemovedEmbeddedFile,
		"RF":            sanitize.RemovedEmbeddedFile,
		"XFA":           sanitize.RemovedXFA,
	} {
		if _, ok := d[key]; ok {
			s.drop(d, key, kind, nr)
		}
	}
	if s.apply {
		delete(d, "NeedsRendering")
	}
	// Only the verification pass meets a removed action itself: after the
	// strip it should no longer be reachable from the written document.
	if kind, ok := s.actionKind(d); ok && !s.apply {
		s.note(kind, nr)
	}
	for _, key := range actionKeys {
		if v, ok := d[key]; ok {
			if kind, bad := s.held(v); bad {
				s.drop(d, key, kind, nr)
			}
		}
	}
	if _, ok := d["Annots"]; ok {
		s.annotations(nr, d)
	}
	if sub, ok := name(d["Subtype"]); ok && !s.apply {
		if kind, bad := annotationKinds[sub]; bad {
			s.note(kind, nr)
		}
	}
	for _, v := range d {
		switch v.(type) {
		case types.Dict, types.Array:
			s.object(nr, v, depth+1)
		}
	}
}

// held reports whether the value of an action key is (or chains to at its
// first level) an action that must go. /Next may be an array of actions.
func (s *stripper) held(v types.Object) (sanitize.RemovalKind, bool) {
	o, err := s.xt.Dereference(v)
	if err != nil || o == nil {
		return "", false
	}
	switch a := o.(type) {
	case types.Dict:
		return s.actionKind(a)
	case types.Array:
		for _, x := range a {
			if kind, bad := s.held(x); bad {
				return kind, true
			}
		}
	}
	return "", false
}

// actionKind reports whether d is an action of a removed type.
func (s *stripper) actionKind(d types.Dict) (sanitize.RemovalKind, bool) {
	typ, ok := name(d["S"])
	if !ok {
		return "", false
	}
	if kind, bad := actionKinds[typ]; bad {
		return kind, true
	}
	switch {
	case typ == "URI" && s.removeURI:
		return sanitize.RemovedURIAction, true
	case typ == "Thread" && d["F"] != nil:
		return sanitize.RemovedGoToRemote, true
	}
	return "", false
}

// annotations removes annotations of the removed subtypes from a page's
// /Annots array (held directly or as an indirect object).
func (s *stripper) annotations(nr int, page types.Dict) {
	ref, indirect := page["Annots"].(types.IndirectRef)
	o, err := s.xt.Dereference(page["Annots"])
	arr, ok := o.(types.Array)
	if err != nil || !ok {
		return
	}
	kept := make(types.Array, 0, len(arr))
	for _, a := range arr {
		ad, err := s.xt.DereferenceDict(a)
		if err == nil && ad != nil {
			if sub, ok := name(ad["Subtype"]); ok {
				if kind, bad := annotationKinds[sub]; bad {
					s.note(kind, nr)
					continue
				}
			}
		}
		kept = append(kept, a)
	}
	if !s.apply || len(kept) == len(arr) {
		return
	}
	if indirect {
		if e, ok := s.xt.FindTableEntryForIndRef(&ref); ok && e != nil {
			e.Object = kept
			return
		}
	}
	page["Annots"] = kept
}

func name(o types.Object) (string, bool) {
	n, ok := o.(types.Name)
	return string(n), ok
}

// report adds the findings to rep, one line per kind and object.
func (s *stripper) report(rep *sanitize.Report, env *sanitize.Env) {
	for _, f := range s.found {
		rep.Remove(f.kind, env.Loc(fmt.Sprintf("object %d", f.obj)), 1)
	}
}
