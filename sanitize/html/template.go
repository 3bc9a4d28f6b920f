package html

import (
	"html"
	"io"
)

// The rebuilt document is this fixed shell around the sanitized body. The
// Content-Security-Policy is a second wall: even if something slipped
// through the allow-list, a browser would load nothing from outside and
// run no script.
const (
	docHead = "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n" +
		"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">\n" +
		"<meta name=\"referrer\" content=\"no-referrer\">\n"
	docBody = "</head>\n<body>\n"
	docTail = "\n</body>\n</html>\n"
)

// writeDocument writes the shell with title and body.
func writeDocument(w io.Writer, title string, body []byte) error {
	for _, s := range []string{docHead, "<title>" + html.EscapeString(title) + "</title>\n", docBody} {
		if _, err := io.WriteString(w, s); err != nil {
			return err
		}
	}
	if _, err := w.Write(body); err != nil {
		return err
	}
	_, err := io.WriteString(w, docTail)
	return err
}
