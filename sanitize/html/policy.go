package html

import (
	"regexp"

	"github.com/microcosm-cc/bluemonday"
)

// dataImage matches data: URIs of the raster types Kakehashi keeps; SVG in
// a data: URI is a document, not a picture, and is not kept.
var dataImage = regexp.MustCompile(`^data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]+$`)

var (
	alignValue  = regexp.MustCompile(`^(?i)(left|right|center|justify)$`)
	valignValue = regexp.MustCompile(`^(?i)(top|middle|bottom|baseline)$`)
	sizeValue   = regexp.MustCompile(`^[0-9]{1,4}(%|px)?$`)
	langValue   = regexp.MustCompile(`^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$`)
	dirValue    = regexp.MustCompile(`^(?i)(ltr|rtl|auto)$`)
	linkValue   = regexp.MustCompile(`^(?i)\s*(https?|mailto):`)
)

// documentPolicy builds the allow-list for documents. removeLinks drops
// href from <a>, leaving the link text.
func documentPolicy(removeLinks bool) *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements(
		"h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "div", "span",
		"blockquote", "pre", "code", "address", "section", "article", "header",
		"footer", "main", "aside", "figure", "figcaption", "center",
		"b", "i", "u", "s", "strong", "em", "small", "big", "sub", "sup", "mark",
		"del", "ins", "abbr", "cite", "q", "dfn", "kbd", "samp", "var", "tt",
		"ruby", "rb", "rt", "rp", "time", "wbr", "font",
	)
	p.AllowLists()
	p.AllowTables()
	p.AllowAttrs("align").Matching(alignValue).OnElements("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "tr", "table", "caption", "img")
	p.AllowAttrs("valign").Matching(valignValue).OnElements("td", "th", "tr")
	p.AllowAttrs("width", "height").Matching(sizeValue).OnElements("td", "th", "table", "col", "img")
	p.AllowAttrs("lang").Matching(langValue).Globally()
	p.AllowAttrs("dir").Matching(dirValue).Globally()
	p.AllowAttrs("title").Matching(bluemonday.Paragraph).Globally()
	p.AllowAttrs("color").Matching(bluemonday.Paragraph).OnElements("font")
	// Style properties with bluemonday's value checks; anything with url()
	// or expression() fails them.
	p.AllowStyles("color", "background-color", "text-align", "font-weight", "font-style",
		"text-decoration", "font-size", "vertical-align", "white-space").Globally()

	// Images: data: URIs of raster types only (see dataImage).
	p.AllowDataURIImages()
	p.AllowAttrs("src").Matching(dataImage).OnElements("img")
	p.AllowAttrs("alt").Matching(bluemonday.Paragraph).OnElements("img")

	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(false)
	if !removeLinks {
		p.AllowURLSchemes("http", "https", "mailto")
		// The data: scheme is allowed for images; links must not use it.
		p.AllowAttrs("href").Matching(linkValue).OnElements("a")
		p.RequireNoFollowOnLinks(true)
		p.RequireNoReferrerOnLinks(true)
		p.AddTargetBlankToFullyQualifiedLinks(true)
	}
	return p
}
