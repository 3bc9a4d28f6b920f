package html

import (
	"encoding/xml"
	"strings"

	"github.com/kakehashi/kakehashi/sanitize"
)

// svgAttrs are the geometry and presentation attributes kept (SVG 1.1
// §6.4 "Presentation attributes" and each element's attribute list).
var svgAttrs = map[string]bool{
	"id": true, "class": true, "x": true, "y": true, "width": true, "height": true,
	"rx": true, "ry": true, "cx": true, "cy": true, "r": true, "x1": true, "y1": true,
	"x2": true, "y2": true, "fx": true, "fy": true, "points": true, "d": true,
	"transform": true, "viewBox": true, "preserveAspectRatio": true, "version": true,
	"fill": true, "fill-opacity": true, "fill-rule": true, "stroke": true,
	"stroke-width": true, "stroke-opacity": true, "stroke-linecap": true,
	"stroke-linejoin": true, "stroke-dasharray": true, "stroke-dashoffset": true,
	"stroke-miterlimit": true, "opacity": true, "font-family": true, "font-size": true,
	"font-weight": true, "font-style": true, "font-variant": true, "text-anchor": true,
	"dominant-baseline": true, "alignment-baseline": true, "baseline-shift": true,
	"letter-spacing": true, "word-spacing": true, "text-decoration": true,
	"writing-mode": true, "dx": true, "dy": true, "rotate": true, "textLength": true,
	"lengthAdjust": true, "offset": true, "stop-color": true, "stop-opacity": true,
	"gradientUnits": true, "gradientTransform": true, "spreadMethod": true,
	"clip-path": true, "clip-rule": true, "clipPathUnits": true, "mask": true,
	"maskUnits": true, "maskContentUnits": true, "patternUnits": true,
	"patternContentUnits": true, "patternTransform": true, "visibility": true,
	"display": true, "color": true, "vector-effect": true, "shape-rendering": true,
	"text-rendering": true, "image-rendering": true, "color-interpolation": true,
	"overflow": true, "lang": true,
	// markers
	"marker-start": true, "marker-mid": true, "marker-end": true, "markerWidth": true,
	"markerHeight": true, "markerUnits": true, "refX": true, "refY": true, "orient": true,
	// text on a path
	"startOffset": true, "method": true, "spacing": true,
	// filters (SVG 1.1 §15)
	"filter": true, "filterUnits": true, "primitiveUnits": true, "in": true, "in2": true,
	"result": true, "stdDeviation": true, "mode": true, "operator": true, "k1": true,
	"k2": true, "k3": true, "k4": true, "values": true, "type": true, "flood-color": true,
	"flood-opacity": true, "radius": true, "scale": true, "xChannelSelector": true,
	"yChannelSelector": true, "baseFrequency": true, "numOctaves": true, "seed": true,
	"stitchTiles": true, "tableValues": true, "slope": true, "intercept": true,
	"amplitude": true, "exponent": true, "order": true, "kernelMatrix": true,
	"divisor": true, "bias": true, "targetX": true, "targetY": true, "edgeMode": true,
	"preserveAlpha": true, "surfaceScale": true, "diffuseConstant": true,
	"specularConstant": true, "specularExponent": true, "kernelUnitLength": true,
	"azimuth": true, "elevation": true, "z": true, "pointsAtX": true, "pointsAtY": true,
	"pointsAtZ": true, "limitingConeAngle": true, "lighting-color": true,
	"color-interpolation-filters": true,
}

// attrs returns the attributes of an element that survive.
func (f *svgFilter) attrs(se xml.StartElement) []xml.Attr {
	loc := f.env.Loc("svg <" + se.Name.Local + ">")
	var kept []xml.Attr
	for _, a := range se.Attr {
		if keep, ok := f.attr(se.Name.Local, a, loc); ok {
			kept = append(kept, keep)
		}
	}
	return kept
}

// attr judges one attribute and returns it, possibly rewritten.
func (f *svgFilter) attr(elem string, a xml.Attr, loc string) (xml.Attr, bool) {
	switch {
	case a.Name.Space == "xmlns":
		return a, a.Value == xlinkNS // only the xlink declaration is needed
	case a.Name.Space == "" && a.Name.Local == "xmlns":
		return a, a.Value == svgNS
	case a.Name.Space == "xml":
		return a, a.Name.Local == "space" || a.Name.Local == "lang"
	case strings.HasPrefix(strings.ToLower(a.Name.Local), "on"):
		f.rep.Remove(sanitize.RemovedEventHandler, loc, 1)
		return a, false
	case f.isHref(a):
		return a, f.hrefAllowed(elem, a.Value, loc)
	case a.Name.Space != "":
		return a, false // attributes of other vocabularies
	case a.Name.Local == "style":
		a.Value = f.style(a.Value, loc)
		return a, a.Value != ""
	case svgAttrs[a.Name.Local]:
		return a, f.valueAllowed(a.Value, loc)
	}
	return a, false
}

// hrefAllowed keeps references inside the image (#id) on <use> and the
// paint servers, and data: rasters on <image>; every outside reference is
// counted and dropped.
func (f *svgFilter) hrefAllowed(elem, v, loc string) bool {
	v = strings.TrimSpace(v)
	switch {
	case activeURL(v):
		f.rep.Remove(sanitize.RemovedScript, loc, 1)
		return false
	case elem == "image" && isDataImage(v):
		return true
	case elem != "image" && strings.HasPrefix(v, "#"):
		return true
	case isDataURI(v):
		f.rep.Remove(sanitize.RemovedEmbeddedFile, loc, 1)
		return false
	}
	f.rep.Remove(sanitize.RemovedExternalRef, loc, 1)
	return false
}

// valueAllowed rejects presentation values that reach outside (a url()
// not pointing at #id) or run script (IE's expression()).
func (f *svgFilter) valueAllowed(v, loc string) bool {
	low := strings.ToLower(v)
	if strings.Contains(low, "expression(") || strings.Contains(low, "javascript:") {
		f.rep.Remove(sanitize.RemovedScript, loc, 1)
		return false
	}
	if strings.ContainsRune(v, '\\') {
		return false // CSS escapes can spell url( in disguise
	}
	for rest := low; ; {
		i := strings.Index(rest, "url(")
		if i < 0 {
			return true
		}
		rest = strings.TrimLeft(rest[i+4:], " \t\r\n'\"")
		if !strings.HasPrefix(rest, "#") {
			f.rep.Remove(sanitize.RemovedExternalRef, loc, 1)
			return false
		}
	}
}

// style keeps the declarations of a style attribute whose property is a
// kept presentation attribute and whose value passes valueAllowed.
func (f *svgFilter) style(v, loc string) string {
	var out []string
	for _, decl := range strings.Split(v, ";") {
		prop, val, ok := strings.Cut(decl, ":")
		prop = strings.ToLower(strings.TrimSpace(prop))
		val = strings.TrimSpace(val)
		if !ok || strings.ContainsAny(val, "<>{}@") {
			continue
		}
		// Judge the value first so that an outside url() is counted even
		// under a property that is dropped anyway.
		if f.valueAllowed(val, loc) && svgAttrs[prop] {
			out = append(out, prop+":"+val)
		}
	}
	return strings.Join(out, ";")
}
