package web

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/kakehashi/kakehashi"
	"github.com/kakehashi/kakehashi/audit"
	"github.com/kakehashi/kakehashi/store"
)

// auditFilter reads the search form; every value reaches SQL only as a
// parameter.
func auditFilter(q url.Values) store.AuditFilter {
	f := store.AuditFilter{Text: q.Get("q"), Actor: q.Get("actor"), Action: q.Get("action")}
	if t, err := time.ParseInLocation("2006-01-02", q.Get("since"), jst); err == nil {
		f.Since = t
	}
	if t, err := time.ParseInLocation("2006-01-02", q.Get("until"), jst); err == nil {
		f.Until = t.Add(24 * time.Hour)
	}
	if n, err := strconv.ParseInt(q.Get("after"), 10, 64); err == nil {
		f.AfterSeq = n
	}
	return f
}

func (s *Server) auditSearch(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := auditFilter(q)
	f.Desc, f.Limit = true, 500
	var events []kakehashi.AuditEvent
	err := s.cfg.Store.View(r.Context(), func(tx store.Tx) error {
		return tx.ListAudit(f, func(e *kakehashi.AuditEvent) error { events = append(events, *e); return nil })
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	query := url.Values{}
	for _, k := range []string{"q", "actor", "action", "since", "until"} {
		if v := q.Get(k); v != "" {
			query.Set(k, v)
		}
	}
	s.render(w, r, http.StatusOK, "audit.html", map[string]any{"Events": events, "Names": s.names(r), "Q": q.Get("q"), "Actor": q.Get("actor"),
		"Action": q.Get("action"), "Since": q.Get("since"), "Until": q.Get("until"), "Query": query.Encode()})
}

// auditExport streams matching events as CSV (with a BOM so Excel opens
// Japanese text correctly) or JSON Lines, and records the export itself.
func (s *Server) auditExport(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := auditFilter(q)
	format := q.Get("format")
	if format == "" {
		format = "jsonl"
	}
	if format != "csv" && format != "jsonl" {
		s.fail(w, r, kakehashi.Errorf(kakehashi.EINVALID, "format は csv か jsonl です / format must be csv or jsonl"))
		return
	}
	sub := s.subject(r)
	if err := s.cfg.Store.Update(r.Context(), func(tx store.Tx) error {
		_, err := audit.Record(tx, s.cfg.Now(), audit.Event{Actor: sub.UserID(), Zone: sub.Zone, IP: sub.IP, Action: audit.AuditExported,
			Detail: map[string]any{"format": format, "filter": q.Encode()}})
		return err
	}); err != nil {
		s.fail(w, r, err)
		return
	}
	name := "kakehashi-audit-" + s.cfg.Now().In(jst).Format("20060102-150405")
	var write func(*kakehashi.AuditEvent) error
	switch format {
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", ContentDisposition(name+".csv"))
		w.Write([]byte("\xEF\xBB\xBF"))
		cw := csv.NewWriter(w)
		cw.Write([]string{"seq", "at", "actor", "zone", "ip", "action", "object", "outcome", "detail", "prev", "hash"})
		defer cw.Flush()
		write = func(e *kakehashi.AuditEvent) error {
			return cw.Write([]string{strconv.FormatInt(e.Seq, 10), e.At.Format(time.RFC3339Nano), csvSafe(e.Actor), string(e.Zone), e.IP,
				e.Action, csvSafe(e.Object), e.Outcome, csvSafe(e.Detail), e.Prev, e.Hash})
		}
	default:
		w.Header().Set("Content-Type", "application/x-ndjson")
		w.Header().Set("Content-Disposition", ContentDisposition(name+".jsonl"))
		enc := json.NewEncoder(w)
		write = func(e *kakehashi.AuditEvent) error { return enc.Encode(auditJSON(e)) }
	}
	err := s.cfg.Store.View(r.Context(), func(tx store.Tx) error { return tx.ListAudit(f, write) })
	if err != nil {
		s.log.Error("audit export", "err", err)
	}
}

// csvSafe stops a spreadsheet from running a cell as a formula (CSV
// injection): user-influenced text starting with = + - @ gets a quote.
func csvSafe(v string) string {
	if v != "" && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r') {
		return "'" + v
	}
	return v
}

type auditEventJSON struct {
	Seq     int64           `json:"seq"`
	At      time.Time       `json:"at"`
	Actor   string          `json:"actor"`
	Zone    string          `json:"zone,omitempty"`
	IP      string          `json:"ip,omitempty"`
	Action  string          `json:"action"`
	Object  string          `json:"object,omitempty"`
	Outcome string          `json:"outcome"`
	Detail  json.RawMessage `json:"detail"`
	Prev    string          `json:"prev"`
	Hash    string          `json:"hash"`
}

func auditJSON(e *kakehashi.AuditEvent) auditEventJSON {
	detail := json.RawMessage(e.Detail)
	if !json.Valid(detail) {
		detail, _ = json.Marshal(e.Detail)
	}
	return auditEventJSON{e.Seq, e.At, e.Actor, string(e.Zone), e.IP, e.Action, e.Object, e.Outcome, detail, e.Prev, e.Hash}
}
