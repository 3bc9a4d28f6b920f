package app_test

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"net"
	"net/mail"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/kakehashi/kakehashi"
	"github.com/kakehashi/kakehashi/config"
)

// mailbox is a real SMTP server (go-smtp) on loopback that keeps what the
// gateway's relay client delivers.
type mailbox struct {
	mu   sync.Mutex
	msgs []received
}

type received struct {
	to      []string
	subject string
	body    string
}

func (m *mailbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &mailSession{box: m}, nil }

type mailSession struct {
	box *mailbox
	to  []string
}

func (s *mailSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}
func (s *mailSession) Data(r io.Reader) error {
	msg, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		return err
	}
	raw, _ := io.ReadAll(msg.Body)
	body, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(string(raw), "\r\n", ""))
	if err != nil {
		return err
	}
	s.box.mu.Lock()
	s.box.msgs = append(s.box.msgs, received{to: s.to, subject: subject, body: string(body)})
	s.box.mu.Unlock()
	return nil
}
func (s *mailSession) Reset()        { s.to = nil }
func (s *mailSession) Logout() error { return nil }

func startMailbox(t *testing.T) (*mailbox, string) {
	box := &mailbox{}
	srv := smtp.NewServer(box)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return box, ln.Addr().String()
}

// waitFor returns the first message to addr whose subject contains s.
func (m *mailbox) waitFor(t *testing.T, addr, s string) received {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		m.mu.Lock()
		for _, msg := range m.msgs {
			if strings.Contains(msg.subject, s) && strings.Contains(strings.Join(msg.to, ","), addr) {
				m.mu.Unlock()
				return msg
			}
		}
		m.mu.Unlock()
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no mail to %s with %q; have %+v", addr, s, m.msgs)
	return received{}
}

func TestNotificationMail(t *testing.T) {
	box, relay := startMailbox(t)
	o := newOffice(t, func(c *config.Config) {
		c.Mail.Relay = relay
		c.PublicURL = "https://kakehashi.city.example.lg.jp"
	})
	sender := o.g.Client(kakehashi.ZoneInternet)
	sender.Login(o.clerk)
	_, loc, _ := upload(t, sender, url.Values{"to": {o.recipient.ID}}, map[string][]byte{"memo.txt": []byte("連絡です\n")})
	id := transferID(t, loc)
	msg := box.waitFor(t, o.recipient.Email, "ファイルが届きました")
	if !strings.Contains(msg.body, "https://kakehashi.city.example.lg.jp/transfers/"+id) || !strings.Contains(msg.body, o.clerk.DisplayName) {
		t.Errorf("arrival mail body:\n%s", msg.body)
	}
	if bytes.Contains([]byte(msg.body), []byte("連絡です")) {
		t.Error("the notification carries file content")
	}

	lg := o.g.Client(kakehashi.ZoneLGWAN)
	lg.Login(o.clerk)
	_, loc, _ = upload(t, lg, url.Values{"destination": {"株式会社サンプル"}, "reason": {"見積書の送付"}}, map[string][]byte{"見積書.txt": []byte("見積\n")})
	out := transferID(t, loc)
	box.waitFor(t, o.boss.Email, "承認依頼")
	boss := o.g.Client(kakehashi.ZoneLGWAN)
	boss.Login(o.boss)
	page := mustGet(t, boss, "/transfers/"+out)
	approval := approvalFormRE.FindStringSubmatch(page)
	if approval == nil {
		t.Fatal("no decision form")
	}
	boss.Post("/transfers/"+out, "/approvals/"+approval[1], url.Values{"decision": {"approve"}})
	box.waitFor(t, o.clerk.Email, "承認されました")
}
