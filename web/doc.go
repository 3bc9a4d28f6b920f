// Package web is the HTTP transport of the exchange: one handler per zone,
// serving the server-rendered UI (Japanese first, English on request,
// working without JavaScript) and the JSON REST API described by the
// embedded OpenAPI document.
//
// What a listener serves is decided by one route table (routes.go): each
// route names the zones it exists in and the roles it needs. A route that
// is not in a listener's zone is not registered there at all, so the
// internet-side listener has no admin or audit surface to find, not even
// one guarded by a check (the lesson of the FileZen, GoAnywhere and MOVEit
// breaches). The authorisation matrix test walks the same table.
//
// This package translates: it parses requests into calls on the exchange
// and auth services and renders their answers. Decisions about transfers
// belong to package exchange; the mapping from error codes to HTTP status
// is in exactly one place (errors.go).
package web
