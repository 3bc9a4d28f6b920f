package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kakehashi/kakehashi"
	"github.com/kakehashi/kakehashi/audit"
	"github.com/kakehashi/kakehashi/blob"
	"github.com/kakehashi/kakehashi/store"
	"github.com/kakehashi/kakehashi/store/sqlstore"
)

// gatewayProc is the gateway as a real process, so it can be SIGKILLed.
type gatewayProc struct {
	t        *testing.T
	cfg      string
	dir      string
	inet, lg string
	cmd      *exec.Cmd
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func newGatewayProc(t *testing.T) *gatewayProc {
	dir := t.TempDir()
	p := &gatewayProc{t: t, dir: dir, inet: freeAddr(t), lg: freeAddr(t)}
	p.cfg = filepath.Join(dir, "kakehashi.toml")
	conf := fmt.Sprintf(`data_dir = "data"
metrics_address = ""
log_level = "info"

[[listener]]
zone = "internet"
address = %q

[[listener]]
zone = "lgwan"
address = %q

[exchange]
workers = 1
`, p.inet, p.lg)
	if err := os.WriteFile(p.cfg, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func (p *gatewayProc) start() {
	p.t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "KAKEHASHI_TEST_SERVE="+p.cfg)
	log, err := os.OpenFile(filepath.Join(p.dir, "gateway.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		p.t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		p.t.Fatal(err)
	}
	p.cmd = cmd
	p.t.Cleanup(func() { p.kill() })
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get("http://" + p.lg + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(filepath.Join(p.dir, "gateway.log"))
			p.t.Fatalf("gateway did not start:\n%s", b)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// kill ends the process with SIGKILL: no deferred code, no drain.
func (p *gatewayProc) kill() {
	if p.cmd == nil {
		return
	}
	p.cmd.Process.Signal(syscall.SIGKILL)
	p.cmd.Wait()
	p.cmd = nil
}

func (p *gatewayProc) db() *sqlstore.DB {
	p.t.Helper()
	db, err := sqlstore.OpenSQLite(context.Background(), filepath.Join(p.dir, "data", "kakehashi.db"))
	if err != nil {
		p.t.Fatal(err)
	}
	p.t.Cleanup(func() { db.Close() })
	return db
}

var otpRE = regexp.MustCompile(`one-time password \(shown once\): (\S+)`)

func (p *gatewayProc) addUser(name string) string {
	p.t.Helper()
	code, out, errOut := runCLI(p.t, "user", "add", "--config", p.cfg, "--name", name)
	m := otpRE.FindStringSubmatch(out)
	if code != 0 || m == nil {
		p.t.Fatalf("user add: %d %s %s", code, out, errOut)
	}
	return m[1]
}

type browser struct {
	t    *testing.T
	base string
	c    *http.Client
}

func signIn(t *testing.T, addr, name, password string) *browser {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	b := &browser{t: t, base: "http://" + addr, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	resp, err := b.c.PostForm(b.base+"/login", url.Values{"user": {name}, "password": {password}, "csrf": {b.csrf("/login", "/login")}})
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in %s: %v %v", name, resp, err)
	}
	resp.Body.Close()
	return b
}

var csrfValue = regexp.MustCompile(`(?:name="csrf" value="|\?csrf=)([^"&]+)`)

func (b *browser) csrf(page, action string) string {
	b.t.Helper()
	resp, err := b.c.Get(b.base + page)
	if err != nil {
		b.t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	i := strings.Index(string(body), `action="`+action)
	if i < 0 {
		b.t.Fatalf("no form for %s on %s", action, page)
	}
	m := csrfValue.FindStringSubmatch(string(body[i:]))
	return html(m[1])
}

func html(s string) string { return strings.ReplaceAll(s, "&#43;", "+") }

// send uploads files as the send form does and returns the transfer ID.
func (b *browser) send(to string, files map[string][]byte) string {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("to", to)
	for name, data := range files {
		w, _ := mw.CreateFormFile("files", name)
		w.Write(data)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", b.base+"/send?csrf="+url.QueryEscape(b.csrf("/send", "/send")), &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	resp.Body.Close()
	m := regexp.MustCompile(`/transfers/([a-z2-7]{26})`).FindStringSubmatch(resp.Header.Get("Location"))
	if m == nil {
		b.t.Fatalf("upload: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	return m[1]
}

// TestCrashLosesNothing kills the gateway with SIGKILL right after it
// accepted an inbound transfer (while its job is queued or running) and
// in the middle of a second upload, restarts it, and checks that the
// accepted transfer completes exactly once and the cut-off upload left
// nothing behind.
func TestCrashLosesNothing(t *testing.T) {
	p := newGatewayProc(t)
	clerkPW, recipientPW := p.addUser("clerk"), p.addUser("recipient")
	_ = recipientPW
	p.start()
	var recipientID string
	db := p.db()
	db.View(context.Background(), func(tx store.Tx) error {
		u, err := tx.UserByName("recipient")
		if err == nil {
			recipientID = u.ID
		}
		return err
	})

	clerk := signIn(t, p.inet, "clerk", clerkPW)
	files := map[string][]byte{"議事録.docm": docmWithMacro(t), "memo.txt": []byte("メモ\r\n"), "big.txt": bytes.Repeat([]byte("あいうえお\n"), 1<<20)}
	id := clerk.send(recipientID, files)
	p.kill() // the job is queued or in flight
	var stateAtKill kakehashi.State
	db.View(context.Background(), func(tx store.Tx) error {
		tr, err := tx.Transfer(id)
		if err == nil {
			stateAtKill = tr.State
		}
		return err
	})
	t.Logf("killed with the transfer %s", stateAtKill)
	if stateAtKill == "" {
		t.Fatal("the accepted transfer is not in the database after the kill")
	}

	// A second upload is cut off mid-body by another kill.
	p.start()
	clerk = signIn(t, p.inet, "clerk", clerkPW)
	token := clerk.csrf("/send", "/send")
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	req, _ := http.NewRequest("POST", clerk.base+"/send?csrf="+url.QueryEscape(token), pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	done := make(chan struct{})
	go func() {
		defer close(done)
		resp, err := clerk.c.Do(req)
		if err == nil {
			resp.Body.Close()
		}
	}()
	mw.WriteField("to", recipientID)
	w, _ := mw.CreateFormFile("files", "cut.bin")
	w.Write(bytes.Repeat([]byte("途中で切れる"), 1<<20)) // about 18 MB, streamed into a blob
	p.kill()
	pw.CloseWithError(io.ErrUnexpectedEOF)
	<-done

	p.start()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		var st kakehashi.State
		db.View(context.Background(), func(tx store.Tx) error {
			tr, err := tx.Transfer(id)
			if err == nil {
				st = tr.State
			}
			return err
		})
		if st == kakehashi.StateAvailable {
			break
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(filepath.Join(p.dir, "gateway.log"))
			t.Fatalf("transfer is %s after restart\n%s", st, b)
		}
		time.Sleep(100 * time.Millisecond)
	}

	db.View(context.Background(), func(tx store.Tx) error {
		transfers, _ := tx.ListTransfers(store.TransferFilter{})
		if len(transfers) != 1 {
			t.Errorf("%d transfers, want only the accepted one", len(transfers))
		}
		files, _ := tx.Files(id)
		sanitizedPerFile := map[string]int{}
		available := 0
		tx.ListAudit(store.AuditFilter{Object: id}, func(e *kakehashi.AuditEvent) error {
			if e.Action == audit.Sanitized {
				for _, f := range files {
					if strings.Contains(e.Detail, f.ID) {
						sanitizedPerFile[f.ID]++
					}
				}
			}
			if e.Action == audit.StateChanged && strings.Contains(e.Detail, `"to":"available"`) {
				available++
			}
			return nil
		})
		for _, f := range files {
			if !f.Status.Deliverable() || sanitizedPerFile[f.ID] != 1 {
				t.Errorf("file %s: status %s, sanitized %d times", f.Name, f.Status, sanitizedPerFile[f.ID])
			}
		}
		if available != 1 {
			t.Errorf("became available %d times", available)
		}
		if _, _, problems, err := audit.Verify(tx); err != nil {
			t.Errorf("audit chain: %v %v", problems, err)
		}
		// Every blob on disk is referenced; nothing of the cut upload or of
		// a sanitized copy whose record never committed is left.
		blobs := filepath.Join(p.dir, "data", "blobs")
		filepath.WalkDir(blobs, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			name := filepath.Base(path)
			if filepath.Base(filepath.Dir(path)) == "tmp" {
				t.Errorf("temporary blob left: %s", name)
				return nil
			}
			if !blob.ValidID(name) {
				return nil
			}
			if ok, _ := tx.BlobReferenced(name); !ok {
				t.Errorf("unreferenced blob left: %s", name)
			}
			return nil
		})
		return nil
	})
}
