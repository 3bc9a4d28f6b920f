package app

import (
	"context"
	"encoding/base64"
	"fmt"
	"mime"
	"net/smtp"
	"strings"
	"time"
)

// SMTPMailer sends notifications through the LGWAN-side relay. Messages
// are UTF-8 with RFC 2047 subjects, which every Japanese mail client reads.
type SMTPMailer struct {
	Relay string
	From  string
}

// Send implements exchange.Mailer.
func (m *SMTPMailer) Send(ctx context.Context, to []string, subject, body string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\n", m.From)
	fmt.Fprintf(&b, "To: %s\r\n", strings.Join(to, ", "))
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.BEncoding.Encode("UTF-8", subject))
	fmt.Fprintf(&b, "Date: %s\r\n", time.Now().Format(time.RFC1123Z))
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\nAuto-Submitted: auto-generated\r\n\r\n")
	enc := base64.StdEncoding.EncodeToString([]byte(body))
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	return smtp.SendMail(m.Relay, nil, m.From, to, []byte(b.String()))
}
