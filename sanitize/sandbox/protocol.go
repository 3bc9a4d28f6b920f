package sandbox

import "github.com/kakehashi/kakehashi/sanitize"

// The child is recognised by both markers: a stray environment variable
// alone (inherited by some unrelated exec of the binary) must not turn a
// normal start into a child.
const (
	childEnv  = "KAKEHASHI_SANDBOX_CHILD"
	childArg  = "__kakehashi-sandbox-child"
	inputFD   = 3 // ExtraFiles[0]
	outputFD  = 4 // ExtraFiles[1]
	exitSetup = 3 // the child could not confine itself; it wrote no report
)

// Bounds on what the parent reads from a child.
const (
	maxReportBytes = 16 << 20
	maxStderrBytes = 64 << 10
	maxJobBytes    = 1 << 20
)

// childJob is the job as the child receives it on stdin. It is data only.
type childJob struct {
	Policy   sanitize.Policy `json:"policy"`
	Limits   sanitize.Limits `json:"limits"`
	Name     string          `json:"name"`
	Password string          `json:"password,omitempty"`
	Scratch  string          `json:"scratch"`
}
