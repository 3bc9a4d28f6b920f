package pdf

import "github.com/kakehashi/kakehashi/sanitize"

// actionKinds maps the action types (/S) that are removed to the removal
// kind reported. URI is added when the policy removes hyperlinks.
var actionKinds = map[string]sanitize.RemovalKind{
	"JavaScript":       sanitize.RemovedJavaScript,
	"Launch":           sanitize.RemovedLaunch,
	"ImportData":       sanitize.RemovedImportData,
	"SubmitForm":       sanitize.RemovedSubmitForm,
	"GoToR":            sanitize.RemovedGoToRemote,
	"GoToE":            sanitize.RemovedGoToRemote,
	"RichMediaExecute": sanitize.RemovedRichMedia,
	"Sound":            sanitize.RemovedRichMedia,
	"Movie":            sanitize.RemovedRichMedia,
	"Rendition":        sanitize.RemovedRichMedia,
	"GoTo3DView":       sanitize.RemovedRichMedia,
}

// annotationKinds maps annotation subtypes that are removed from pages.
var annotationKinds = map[string]sanitize.RemovalKind{
	"FileAttachment": sanitize.RemovedEmbeddedFile,
	"RichMedia":      sanitize.RemovedRichMedia,
	"Screen":         sanitize.RemovedRichMedia,
	"Movie":          sanitize.RemovedRichMedia,
	"Sound":          sanitize.RemovedRichMedia,
	"3D":             sanitize.RemovedRichMedia,
}

// actionKeys are the keys that hold an action (or, for /Next, a chain).
var actionKeys = []string{"A", "OpenAction", "Next", "PA"}
