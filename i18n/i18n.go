// Package i18n holds the user-facing words of the screens and mail in
// Japanese (the default) and English, and picks the language of a request.
// Messages that come from the services already carry both languages as
// "日本語 / English"; Split separates them.
package i18n

import "strings"

// Lang is a supported language.
type Lang string

const (
	JA Lang = "ja"
	EN Lang = "en"
)

// Parse returns the language named by s (a cookie value or an
// Accept-Language header), Japanese unless English is asked for first.
func Parse(s string) Lang {
	for _, part := range strings.Split(s, ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		switch {
		case tag == "en" || strings.HasPrefix(tag, "en-"):
			return EN
		case tag == "ja" || strings.HasPrefix(tag, "ja-"):
			return JA
		}
	}
	return JA
}

// Split picks one half of a "日本語 / English" message.
func Split(msg string, l Lang) string {
	ja, en, ok := strings.Cut(msg, " / ")
	if !ok {
		return msg
	}
	if l == EN {
		return en
	}
	return ja
}

// T returns the text for key in l; an unknown key is returned as is, so a
// missing translation shows up on screen rather than as an empty string.
func T(l Lang, key string) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	if l == EN {
		return m[1]
	}
	return m[0]
}

// Keys lists every message key (for the completeness test).
func Keys() []string {
	out := make([]string, 0, len(messages))
	for k := range messages {
		out = append(out, k)
	}
	return out
}
