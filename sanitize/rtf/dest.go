package rtf

import (
	"strings"

	"github.com/kakehashi/kakehashi/sanitize"
)

// action is what the filter does with a group introduced by a destination
// control word.
type action uint8

const (
	actKeep      action = iota + 1 // copy the group
	actDrop                        // drop the group and report removal
	actDropQuiet                   // drop the group, nothing worth reporting
	actObject                      // \object: drop all but the \result preview
	actResult                      // \result: the preview inside \object
	actField                       // \field: judge by its instruction
	actFldinst                     // \fldinst: the instruction
	actFldrslt                     // \fldrslt: the shown result
	actPict                        // \pict: keep known picture kinds
	actShapeProp                   // \sp: drop properties naming outside files
	actInfo                        // \info: metadata, kept unless the policy removes it
)

// dest describes one destination word.
type dest struct {
	act  action
	kind sanitize.RemovalKind // for actDrop
}

// destinations lists the destination words the filter knows (RTF 1.9.1,
// "Destinations" and the per-area chapters). A \* group whose word is not
// here is dropped; a plain group whose word is not here is copied.
var destinations = map[string]dest{
	// Document structure and tables of the header (RTF 1.9.1 "Header").
	"fonttbl": {act: actKeep}, "colortbl": {act: actKeep}, "stylesheet": {act: actKeep},
	"listtable": {act: actKeep}, "list": {act: actKeep}, "listlevel": {act: actKeep},
	"listname": {act: actKeep}, "listoverridetable": {act: actKeep}, "listoverride": {act: actKeep},
	"lfolevel": {act: actKeep}, "leveltext": {act: actKeep}, "levelnumbers": {act: actKeep},
	"listpicture": {act: actKeep}, "revtbl": {act: actKeep}, "rsidtbl": {act: actKeep},
	"panose": {act: actKeep}, "falt": {act: actKeep}, "fname": {act: actKeep},
	"generator": {act: actKeep}, "pgdsctbl": {act: actKeep}, "pgdsc": {act: actKeep},
	"latentstyles": {act: actKeep}, "lsdlockedexcept": {act: actKeep}, "defchp": {act: actKeep},
	"defpap": {act: actKeep}, "wgrffmtfilter": {act: actKeep}, "keycode": {act: actKeep},
	"mmathPr": {act: actKeep}, "pn": {act: actKeep}, "pntext": {act: actKeep},
	"pntxta": {act: actKeep}, "pntxtb": {act: actKeep}, "listtext": {act: actKeep},
	"ud": {act: actKeep}, "upr": {act: actKeep}, "nesttableprops": {act: actKeep},
	"nonesttables": {act: actKeep}, "tcpr": {act: actKeep}, "trpr": {act: actKeep},
	"tblpr": {act: actKeep}, "pgptbl": {act: actKeep}, "background": {act: actKeep},
	"fchars": {act: actKeep}, "lchars": {act: actKeep},

	// Document information (RTF 1.9.1 "Information Group").
	"info": {act: actInfo}, "title": {act: actKeep}, "subject": {act: actKeep},
	"author": {act: actKeep}, "operator": {act: actKeep}, "keywords": {act: actKeep},
	"comment": {act: actKeep}, "doccomm": {act: actKeep}, "company": {act: actKeep},
	"manager": {act: actKeep}, "category": {act: actKeep}, "creatim": {act: actKeep},
	"revtim": {act: actKeep}, "printim": {act: actKeep}, "buptim": {act: actKeep},
	"version": {act: actKeep}, "vern": {act: actKeep}, "edmins": {act: actKeep},
	"nofpages": {act: actKeep}, "nofwords": {act: actKeep}, "nofchars": {act: actKeep},
	"password": {act: actDropQuiet}, "passwordhash": {act: actDropQuiet},

	// Headers, footers, footnotes, comments, bookmarks, index entries.
	"header": {act: actKeep}, "headerl": {act: actKeep}, "headerr": {act: actKeep},
	"headerf": {act: actKeep}, "footer": {act: actKeep}, "footerl": {act: actKeep},
	"footerr": {act: actKeep}, "footerf": {act: actKeep}, "footnote": {act: actKeep},
	"ftnsep": {act: actKeep}, "ftnsepc": {act: actKeep}, "ftncn": {act: actKeep},
	"aftnsep": {act: actKeep}, "aftnsepc": {act: actKeep}, "aftncn": {act: actKeep},
	"annotation": {act: actKeep}, "atnid": {act: actKeep}, "atnauthor": {act: actKeep},
	"atnref": {act: actKeep}, "atndate": {act: actKeep}, "atrfstart": {act: actKeep},
	"atrfend": {act: actKeep}, "atnparent": {act: actKeep}, "atnicn": {act: actKeep},
	"bkmkstart": {act: actKeep}, "bkmkend": {act: actKeep}, "tc": {act: actKeep},
	"xe": {act: actKeep}, "txe": {act: actKeep}, "rxe": {act: actKeep},
	"ts": {act: actKeep}, "shptxt": {act: actKeep},

	// Fields (RTF 1.9.1 "Fields").
	"field": {act: actField}, "fldinst": {act: actFldinst}, "fldrslt": {act: actFldrslt},
	"formfield": {act: actKeep}, "ffname": {act: actKeep}, "ffdeftext": {act: actKeep},
	"ffformat": {act: actKeep}, "ffhelptext": {act: actKeep}, "ffstattext": {act: actKeep},
	"ffl": {act: actKeep},
	// Macros run on entering and leaving a form field.
	"ffentrymcr": {act: actDrop, kind: sanitize.RemovedVBAProject},
	"ffexitmcr":  {act: actDrop, kind: sanitize.RemovedVBAProject},
	"datafield":  {act: actDropQuiet},

	// Pictures and shapes (RTF 1.9.1 "Pictures", "Word 97 through Word 2007
	// RTF for Drawing Objects (Shapes)").
	"pict": {act: actPict}, "shppict": {act: actKeep}, "nonshppict": {act: actKeep},
	"blipuid": {act: actKeep}, "picprop": {act: actKeep},
	"shp": {act: actKeep}, "shpinst": {act: actKeep}, "shprslt": {act: actKeep},
	"shpgrp": {act: actKeep}, "sp": {act: actShapeProp}, "sn": {act: actKeep}, "sv": {act: actKeep},
	"do": {act: actKeep}, "dptxbxtext": {act: actKeep},

	// OLE objects (RTF 1.9.1 "Objects"): the classic exploit carrier.
	"object": {act: actObject}, "result": {act: actResult},
	"objdata":    {act: actDrop, kind: sanitize.RemovedRTFObject},
	"objclass":   {act: actDrop, kind: sanitize.RemovedRTFObject},
	"objname":    {act: actDrop, kind: sanitize.RemovedRTFObject},
	"objtopic":   {act: actDrop, kind: sanitize.RemovedRTFObject},
	"objalias":   {act: actDrop, kind: sanitize.RemovedRTFObject},
	"objsect":    {act: actDrop, kind: sanitize.RemovedRTFObject},
	"objitem":    {act: actDrop, kind: sanitize.RemovedRTFObject},
	"objtime":    {act: actDrop, kind: sanitize.RemovedRTFObject},
	"oleclsid":   {act: actDrop, kind: sanitize.RemovedRTFObject},
	"objocx":     {act: actDrop, kind: sanitize.RemovedActiveX},
	"objemb":     {act: actDrop, kind: sanitize.RemovedRTFObject},
	"objlink":    {act: actDrop, kind: sanitize.RemovedRTFObject},
	"objautlink": {act: actDrop, kind: sanitize.RemovedRTFObject},
	"objupdate":  {act: actDrop, kind: sanitize.RemovedRTFObject},
	"objhtml":    {act: actDrop, kind: sanitize.RemovedRTFObject},
	"objsub":     {act: actDrop, kind: sanitize.RemovedRTFObject},
	"objpub":     {act: actDrop, kind: sanitize.RemovedRTFObject},
	"objicemb":   {act: actDrop, kind: sanitize.RemovedRTFObject},

	// Outside references and opaque stores.
	"template":           {act: actDrop, kind: sanitize.RemovedAttachedTemplate},
	"filetbl":            {act: actDrop, kind: sanitize.RemovedExternalRel},
	"hlinkbase":          {act: actDrop, kind: sanitize.RemovedExternalRel},
	"datastore":          {act: actDrop, kind: sanitize.RemovedExternalData},
	"xmlopen":            {act: actDrop, kind: sanitize.RemovedExternalData},
	"xmlattrvalue":       {act: actDropQuiet},
	"xmlnstbl":           {act: actDropQuiet},
	"docvar":             {act: actDropQuiet},
	"themedata":          {act: actDropQuiet},
	"colorschememapping": {act: actDropQuiet},
	"userprops":          {act: actDropQuiet},
	"private":            {act: actDropQuiet},
}

// lookupDest returns the destination for word, treating every \obj… word
// as part of an OLE object even if the table does not list it.
func lookupDest(word string) (dest, bool) {
	if d, ok := destinations[word]; ok {
		return d, true
	}
	// RTF words are lower case, but a lenient reader may not care:
	// \OBJECT and \ObjData are treated as what they spell.
	low := strings.ToLower(word)
	if d, ok := destinations[low]; ok && (d.dangerous() || d.act == actDropQuiet) {
		return d, true
	}
	if strings.HasPrefix(low, "obj") {
		return dest{act: actDrop, kind: sanitize.RemovedRTFObject}, true
	}
	return dest{}, false
}

// dangerous reports whether d removes its group even when its word is not
// the first in the group. Readers such as Word accept \object and \objdata
// after other words, and droppers rely on that.
func (d dest) dangerous() bool {
	return d.act == actObject || (d.act == actDrop && d.kind != "")
}

// blipKinds are the picture kinds kept (RTF 1.9.1 "Pictures"): PNG, JPEG,
// EMF, WMF and device-independent bitmaps. \macpict, \pmmetafile, \wbitmap
// and anything else is dropped.
var blipKinds = map[string]bool{
	"pngblip": true, "jpegblip": true, "emfblip": true, "wmetafile": true, "dibitmap": true,
}

// shapePropOutside reports whether a shape property names a file outside
// the document (linked pictures and fills: MS-ODRAW pibName, fillBlipName
// and the flags that make them links).
func shapePropOutside(name string) bool {
	n := strings.ToLower(strings.TrimSpace(name))
	return strings.HasSuffix(n, "blipname") || n == "pibname" || strings.HasSuffix(n, "blipflags") || n == "pibflags"
}
