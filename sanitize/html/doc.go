// Package html rebuilds HTML documents and SVG images for the CDR engine:
// family sanitize.FamilyHTML (sanitize.TypeHTML and sanitize.TypeSVG, as
// files and attachments — not web pages to be browsed live).
//
// HTML goes through github.com/microcosm-cc/bluemonday with a strict policy
// built here for documents: headings, paragraphs, lists, tables, inline
// formatting, links to http, https and mailto (unless the policy removes
// hyperlinks), images only as data: URIs of PNG, JPEG, GIF or WebP (remote
// images are web bugs that tell the sender when a clerk opened the file),
// and a few checked style properties. Scripts, event handlers, frames,
// objects, embeds, forms, <meta> refresh, <base>, <link> and <style> never
// survive. bluemonday sanitizes fragments and drops <html> and <head>, so
// the result is wrapped in a fixed minimal UTF-8 document (template.go)
// with a Content-Security-Policy that forbids every outside load.
//
// Before that, the input is decoded to UTF-8: a byte order mark, a <meta>
// charset or, failing both, a Shift_JIS / EUC-JP / UTF-8 guess for
// Japanese pages without a declaration (charset.go). A separate pass over
// the tokens of golang.org/x/net/html counts what is removed for the report
// (count.go), since bluemonday does not say what it dropped.
//
// Policy.HTML "text" converts to plain UTF-8 text with a small converter
// over the same tokens (text.go): block elements end lines, table cells are
// tab-separated. "reject" refuses HTML outright.
//
// SVG is XML, not HTML, and is rebuilt with sanitize/safexml (which rejects
// DOCTYPE and so XXE and billion laughs) through an allow-list of SVG
// elements and presentation attributes (svg.go, svgattr.go): shapes, text,
// gradients, patterns, clipping, masks, markers, filter primitives (not
// feImage), <use> with local #id references only, and <image> with data:
// raster URIs only. Scripts, foreignObject, animation, <style>, event
// handlers, outside href/xlink:href and url() references are removed;
// <a> is unwrapped so its shapes stay. Policy.SVG "reject" refuses SVG.
//
// HTML is held in memory while bluemonday works (it needs the whole token
// stream and returns a buffer), so its size is bounded by
// Limits.MaxXMLPartBytes; SVG streams.
package html
