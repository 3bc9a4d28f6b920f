package scantest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kakehashi/kakehashi/internal/testtool"
	"github.com/kakehashi/kakehashi/scan"
)

// CICAPService is the ICAP service name StartCICAP configures.
const CICAPService = "avscan"

// CICAPMaxObjectSize is the virus_scan.MaxObjectSize StartCICAP configures.
// c-icap passes an object whose Content-Length exceeds it through
// unscanned ("Bigger than max scannable file size ... Allow it" in its
// log), so clients must not send such objects: see scan.ICAP.MaxSize.
const CICAPMaxObjectSize = 2 << 20

// CICAP is a running c-icap with the virus_scan service over a clamd.
type CICAP struct {
	Addr string // 127.0.0.1:port
	p    *process
}

// StartCICAP starts c-icap (Debian packages c-icap and
// libc-icap-mod-virus-scan) on a free loopback port, its virus_scan service
// asking the clamd at clamdSocket, and waits until the service answers
// OPTIONS. It is stopped at cleanup.
func StartCICAP(tb testing.TB, clamdSocket string) *CICAP {
	tb.Helper()
	bin := testtool.Path(tb, "/usr/bin/c-icap", "c-icap")
	mods, _ := filepath.Glob("/usr/lib/*/c_icap/virus_scan.so")
	if len(mods) == 0 {
		testtool.Path(tb, "/usr/lib/x86_64-linux-gnu/c_icap/virus_scan.so", "libc-icap-mod-virus-scan")
		mods = []string{"/usr/lib/x86_64-linux-gnu/c_icap/virus_scan.so"}
	}
	modDir := filepath.Dir(mods[0])
	magic := testtool.Path(tb, "/etc/c-icap/c-icap.magic", "c-icap")
	dir := tempDir(tb)
	tmp := filepath.Join(dir, "tmp")
	if err := os.Mkdir(tmp, 0o700); err != nil {
		tb.Fatal(err)
	}
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		c := &CICAP{Addr: fmt.Sprintf("127.0.0.1:%d", FreePort(tb))}
		conf := filepath.Join(dir, "c-icap.conf")
		if err := os.WriteFile(conf, []byte(cicapConf(dir, tmp, c.Addr, modDir, magic, clamdSocket)), 0o644); err != nil {
			tb.Fatal(err)
		}
		// -N: no daemon (the test owns the process), -D: log to stdout
		// as well, -f: our config instead of /etc/c-icap.
		c.p = start(tb, filepath.Join(dir, "c-icap.out"), bin, "-N", "-D", "-f", conf)
		client := c.Scanner()
		err := c.p.waitReady(client.Ping)
		if err == nil {
			return c
		}
		lastErr = fmt.Errorf("%v\n%s", err, c.p.logTail())
		c.p.stop()
		if !errors.Is(err, errExited) {
			break
		}
	}
	tb.Fatalf("c-icap did not start: %v", lastErr)
	return nil
}

// cicapConf returns a c-icap.conf for one test instance. Every path is in
// the test's directory, so instances do not share state with each other or
// with a system c-icap.
func cicapConf(dir, tmp, addr, modDir, magic, clamdSocket string) string {
	return strings.Join([]string{
		"PidFile " + filepath.Join(dir, "c-icap.pid"),
		"CommandsSocket " + filepath.Join(dir, "c-icap.ctl"),
		"Port " + addr,
		"TmpDir " + tmp,
		"ServerLog " + filepath.Join(dir, "server.log"),
		"AccessLog " + filepath.Join(dir, "access.log"),
		"ModulesDir " + modDir,
		"ServicesDir " + modDir,
		"TemplateDir /usr/share/c_icap/templates/",
		"LoadMagicFile " + magic,
		// One child with a few threads is plenty for tests.
		"StartServers 1",
		"MaxServers 1",
		"MinSpareThreads 2",
		"MaxSpareThreads 8",
		"ThreadsPerChild 8",
		"Timeout 60",
		"DebugLevel 1",
		"Module common clamd_mod.so",
		"clamd_mod.ClamdSocket " + clamdSocket,
		"Service antivirus_module virus_scan.so",
		// mode=simple: c-icap answers only after the whole body is in and
		// scanned. In its default mode it starts the 200 reply early (to
		// trickle data to web browsers), after which it can no longer
		// answer 204, so every clean file but the smallest would be Failed.
		"ServiceAlias " + CICAPService + " virus_scan?allow204=on&mode=simple",
		"virus_scan.DefaultEngine clamd",
		"virus_scan.Allow204Responces on",
		// Fail closed on the server side too: an engine error blocks.
		"virus_scan.PassOnError off",
		// Every type group in c-icap.magic, plus TEXT and DATA: types not
		// listed are passed unscanned.
		"virus_scan.ScanFileTypes TEXT DATA EXECUTABLE ARCHIVE GRAPHICS STREAM DOCUMENT",
		fmt.Sprintf("virus_scan.MaxObjectSize %dK", CICAPMaxObjectSize>>10),
		"",
	}, "\n")
}

// Stop kills c-icap now, for "scanner went down" tests.
func (c *CICAP) Stop() { c.p.stop() }

// Scanner returns a client for this c-icap's virus_scan service.
func (c *CICAP) Scanner() *scan.ICAP {
	return &scan.ICAP{Label: "c-icap", Address: c.Addr, Service: CICAPService, Timeout: time.Minute}
}
