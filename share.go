package kakehashi

import (
	"net/mail"
	"time"
)

// Share is a download link for outside recipients (外部とのファイル授受):
// the files of an approved outbound transfer, served on the internet-side
// listener. Only the SHA-256 of its token is stored.
type Share struct {
	ID           string
	TransferID   string
	SenderID     string
	Recipients   []string // e-mail addresses of the outside parties
	Expires      time.Time
	MaxDownloads int // 0: no limit
	Downloads    int
	HasPassword  bool
	RequireOTP   bool     // a one-time code mailed to a recipient's address
	AllowedIPs   []string // CIDR prefixes; empty: any address
	NotifyFirst  bool     // mail the sender at the first download
	Revoked      bool
	Created      time.Time
	FirstUse     time.Time
}

// Usable reports whether the link may be used at t. Every reason it may
// not (revoked, expired, used up) looks the same to an outsider.
func (s *Share) Usable(t time.Time) bool {
	return !s.Revoked && t.Before(s.Expires) && (s.MaxDownloads == 0 || s.Downloads < s.MaxDownloads)
}

// UploadRequest (受取依頼) lets an outside party upload files for a staff
// member without an account. Received files take the 持ち込み path.
type UploadRequest struct {
	ID          string
	RequesterID string
	Note        string
	Expires     time.Time
	MaxFiles    int   // per upload request, in total
	MaxBytes    int64 // per file
	Files       int   // received so far
	HasCode     bool  // the uploader must enter a code given to them out of band
	Revoked     bool
	Created     time.Time
}

// Usable reports whether the request still accepts uploads at t.
func (u *UploadRequest) Usable(t time.Time) bool {
	return !u.Revoked && t.Before(u.Expires) && u.Files < u.MaxFiles
}

// ValidateEmail checks one outside recipient's address: a bare
// addr-spec, no display name, at most 254 bytes.
func ValidateEmail(s string) error {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" || len(s) > 254 {
		return Errorf(EINVALID, "メールアドレスが正しくありません: %q / invalid e-mail address: %q", s, s)
	}
	return nil
}
