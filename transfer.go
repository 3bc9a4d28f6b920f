package kakehashi

import (
	"time"
	"unicode/utf8"
)

// Direction says which way a transfer crosses the boundary.
type Direction string

const (
	Inbound  Direction = "inbound"  // 持ち込み: internet → LGWAN, sanitized
	Outbound Direction = "outbound" // 持ち出し: LGWAN → internet, approved
)

// State is where a transfer is in its life (DESIGN §3, "Transfer states").
// Every change of state is one transaction together with its audit event.
type State string

const (
	StateReceived         State = "received"          // stored, waiting for the worker
	StateScanning         State = "scanning"          // scanners running
	StateSanitizing       State = "sanitizing"        // in the sanitizer child process
	StateAwaitingApproval State = "awaiting_approval" // outbound: waiting for 上長承認
	StateAvailable        State = "available"         // recipients may download
	StateRejected         State = "rejected"          // refused: by policy, scanner or approver
	StateExpired          State = "expired"           // past retention; blobs deleted
)

// Terminal reports whether no further processing will happen.
func (s State) Terminal() bool { return s == StateRejected || s == StateExpired }

// FileStatus is the outcome for one file of a transfer.
type FileStatus string

const (
	FilePending     FileStatus = "pending"     // not processed yet
	FileClean       FileStatus = "clean"       // nothing to remove; the rebuilt copy is delivered
	FileSanitized   FileStatus = "sanitized"   // active content removed; the rebuilt copy is delivered
	FileRejected    FileStatus = "rejected"    // refused by the sanitizer; Reason says why
	FileInfected    FileStatus = "infected"    // a scanner found malware; kept quarantined
	FileQuarantined FileStatus = "quarantined" // a scanner failed: fail closed, kept until someone decides
	FilePassed      FileStatus = "passed"      // outbound: delivered as uploaded once approved
)

// Deliverable reports whether the file has a copy recipients may download.
func (s FileStatus) Deliverable() bool {
	return s == FileClean || s == FileSanitized || s == FilePassed
}

// Transfer is one act of moving files across the boundary (受け渡し).
type Transfer struct {
	ID          string
	Direction   Direction
	State       State
	SenderID    string
	Note        string   // the sender's message to the recipients
	Destination string   // outbound: where the files are going (e.g. a company name)
	Reason      string   // outbound: why they leave LGWAN
	Recipients  []string // inbound: user IDs who may download
	RejectCode  string   // when State is rejected
	// Via names the upload request an inbound transfer came through; the
	// sender is then the requesting staff member and ExternalSender what
	// the outside party typed about themself (unverified).
	Via            string
	ExternalSender string
	Created     time.Time
	Updated     time.Time
	Expires     time.Time // when retention removes the files
}

// File is one file of a transfer. The original and the sanitized copy are
// separate blobs; the original is never delivered without a release.
type File struct {
	ID              string
	TransferID      string
	Name            string // as uploaded, display only: never a path
	Size            int64
	SHA256          string // of the original
	OriginalBlob    string
	Type            string     // detected from content by the engine
	Status          FileStatus // outcome of scan and sanitize
	Reason          string     // rejection or quarantine reason code
	ReasonText      string     // plain-language reason, Japanese
	SanitizedBlob   string
	SanitizedName   string // the name the delivered copy carries (corrected extension)
	SanitizedSize   int64
	SanitizedSHA256 string
	Report          []byte // the engine's JSON report
	Scans           []byte // the scanners' JSON results
	OriginalRelease bool   // the original may be downloaded by the recipients
}

// Limits on what people type, checked before anything is stored.
const (
	MaxNoteLen     = 2000
	MaxFileNameLen = 255 // in bytes, as most file systems count them
	MaxFilesPer    = 100
)

// ValidateTransfer checks what a sender provided, with messages fit to show.
func ValidateTransfer(t *Transfer) error {
	if t.Direction != Inbound && t.Direction != Outbound {
		return Errorf(EINVALID, "方向が不正です / unknown direction")
	}
	if utf8.RuneCountInString(t.Note) > MaxNoteLen || utf8.RuneCountInString(t.Reason) > MaxNoteLen || utf8.RuneCountInString(t.Destination) > MaxNoteLen {
		return Errorf(EINVALID, "メモ・理由は%d文字以内にしてください / note and reason must be at most %d characters", MaxNoteLen, MaxNoteLen)
	}
	if t.Direction == Outbound && (t.Reason == "" || t.Destination == "") {
		return Errorf(EINVALID, "持ち出しには送付先と理由が必要です / an outbound transfer needs a destination and a reason")
	}
	if t.Direction == Inbound && len(t.Recipients) == 0 {
		return Errorf(EINVALID, "宛先を指定してください / choose at least one recipient")
	}
	return nil
}
