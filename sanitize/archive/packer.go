package archive

import (
	"archive/zip"
	"compress/flate"
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"time"

	"github.com/kakehashi/kakehashi/sanitize"
)

// ratioFloor is the member size below which the compression ratio is not
// judged: small files of repeated bytes legitimately compress far beyond
// any sane limit, and a member under 1 MiB cannot be a bomb on its own
// (Budget.Expand bounds the sum).
const ratioFloor = 1 << 20

// member is one archive entry as its format's reader describes it. Every
// field comes from hostile headers.
type member struct {
	raw      string // name decoded to UTF-8, not yet checked
	dir      bool
	link     bool   // symbolic or hard link, reparse point
	special  string // device, FIFO, …: what it is; "" for files and folders
	size     int64  // declared uncompressed size, -1 when unknown
	packed   int64  // compressed size for the ratio, -1 when unknown
	modified time.Time
	// encrypted members turn read failures into ReasonWrongPassword: a
	// wrong key shows up as a bad check value, CRC or deflate stream.
	encrypted bool
	// unreadable is set when the member cannot be read by this package (an
	// unsupported compression method): the member is rejected, not the
	// archive.
	unreadable error
	open       func() (io.ReadCloser, error)

	clean string // set by check
}

// packer re-packs checked, sanitized members into the output ZIP. One
// packer serves one archive.
type packer struct {
	ctx   context.Context
	env   *sanitize.Env
	rep   *sanitize.Report
	zw    *zip.Writer
	names *nameSet
	out   outputNames

	// Archive-level ratio: every byte read from every member against the
	// size of the archive as it arrived. It is the only ratio for formats
	// that do not tell compressed sizes per member (7z solid blocks, gzip,
	// tar), and it catches many members each just under ratioFloor.
	packedTotal int64
	expanded    int64
	// charged is false when the bytes were already charged to the budget
	// (a tar inside a gzip was charged while decompressing).
	charged bool
}

func newPacker(ctx context.Context, in sanitize.Input, out io.Writer, env *sanitize.Env, rep *sanitize.Report) *packer {
	zw := zip.NewWriter(out)
	// BestSpeed: the gateway's throughput matters more than the last
	// percent of size; at the default level deflate dominated the run.
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestSpeed)
	})
	return &packer{ctx: ctx, env: env, rep: rep, zw: zw, names: newNameSet(),
		packedTotal: max(in.Size, 1), charged: true}
}

// close finishes the output ZIP.
func (p *packer) close() error {
	if err := p.zw.Close(); err != nil {
		return fmt.Errorf("finishing output zip: %w", err)
	}
	return nil
}

// check applies every test that needs only the header, before anything is
// decompressed, and sets m.clean.
func (p *packer) check(m *member) error {
	if err := p.ctx.Err(); err != nil {
		return sanitize.Reject(sanitize.ReasonTimeout, "%v", err)
	}
	if err := p.env.Budget.Member(); err != nil {
		return err
	}
	clean, err := cleanName(m.raw)
	if err != nil {
		return err
	}
	m.clean = clean
	switch {
	case m.link:
		return sanitize.Reject(sanitize.ReasonLink, "member %q is a link", clip(clean))
	case m.special != "":
		return sanitize.Reject(sanitize.ReasonUnsupported, "member %q is a %s", clip(clean), m.special)
	case m.encrypted && p.env.Password == "":
		return sanitize.Reject(sanitize.ReasonEncrypted, "member %q is encrypted", clip(clean))
	}
	if err := p.names.claim(clean, m.dir); err != nil {
		return err
	}
	if m.dir || m.unreadable != nil {
		return nil
	}
	lim := p.env.Limits
	if m.size > lim.MaxExpandedBytes {
		return sanitize.Reject(sanitize.ReasonTooLarge, "member %q declares %d bytes", clip(clean), m.size)
	}
	if m.size >= ratioFloor && m.packed >= 0 && m.size/max(m.packed, 1) > lim.MaxRatio {
		return sanitize.Reject(sanitize.ReasonCompressionBomb, "member %q declares a ratio of %d:1", clip(clean), m.size/max(m.packed, 1))
	}
	return nil
}

// process sanitizes one checked member and adds it to the output.
func (p *packer) process(m *member) error {
	if m.dir {
		return p.addDir(m)
	}
	if m.unreadable != nil {
		return p.rejectMember(m.clean, m.unreadable)
	}
	spill, n, err := p.spill(m)
	if err != nil {
		return err
	}
	defer removeTemp(spill)
	return p.sanitizeSpilled(m.clean, m.modified, spill, n)
}

func (p *packer) addDir(m *member) error {
	isNew, err := p.out.dir(m.clean)
	if err != nil || !isNew {
		return err
	}
	_, err = p.zw.CreateHeader(&zip.FileHeader{Name: m.clean + "/", Flags: utf8NameFlag, Modified: zipTime(m.modified), Method: zip.Store})
	return err
}

// spill copies the member's content to a temporary file, charging the
// budget and the ratio for every byte actually read.
func (p *packer) spill(m *member) (*os.File, int64, error) {
	rc, err := m.open()
	if err != nil {
		return nil, 0, p.readFailure(m, err)
	}
	defer rc.Close()
	f, err := os.CreateTemp(p.env.TempDir, "member-*")
	if err != nil {
		return nil, 0, fmt.Errorf("making member spill file: %w", err)
	}
	mw := &meter{p: p, m: m, w: f}
	n, err := io.Copy(mw, rc)
	if err == nil && m.size >= 0 && n != m.size {
		err = fmt.Errorf("member has %d bytes, its header says %d", n, m.size)
	}
	if err != nil {
		removeTemp(f)
		if mw.werr != nil {
			return nil, 0, mw.werr
		}
		return nil, 0, p.readFailure(m, err)
	}
	return f, n, nil
}

// readFailure turns a reader error into a rejection of the archive.
func (p *packer) readFailure(m *member, err error) error {
	if _, ok := sanitize.AsRejection(err); ok {
		return err
	}
	if m.encrypted {
		return sanitize.Reject(sanitize.ReasonWrongPassword, "member %q does not decrypt: %v", clip(m.clean), err)
	}
	return sanitize.Reject(sanitize.ReasonMalformed, "reading member %q: %v", clip(m.clean), err)
}

// meter writes the spill file and charges each chunk before it lands.
type meter struct {
	p    *packer
	m    *member
	w    io.Writer
	n    int64
	werr error // a fault of the spill file, not of the input
}

func (mw *meter) Write(b []byte) (int, error) {
	p, m, lim := mw.p, mw.m, mw.p.env.Limits
	if err := p.ctx.Err(); err != nil {
		return 0, sanitize.Reject(sanitize.ReasonTimeout, "%v", err)
	}
	mw.n += int64(len(b))
	p.expanded += int64(len(b))
	if m.size >= 0 && mw.n > m.size {
		return 0, sanitize.Reject(sanitize.ReasonMalformed, "member %q is longer than its header says (%d bytes)", clip(m.clean), m.size)
	}
	if p.charged {
		if err := p.env.Budget.Expand(int64(len(b))); err != nil {
			return 0, err
		}
	}
	if m.packed >= 0 && mw.n >= ratioFloor && mw.n/max(m.packed, 1) > lim.MaxRatio {
		return 0, sanitize.Reject(sanitize.ReasonCompressionBomb, "member %q expands more than %d:1", clip(m.clean), lim.MaxRatio)
	}
	// The whole archive too: many members just under the floor add up.
	if p.expanded >= ratioFloor && p.expanded/p.packedTotal > lim.MaxRatio {
		return 0, sanitize.Reject(sanitize.ReasonCompressionBomb, "archive expands more than %d:1", lim.MaxRatio)
	}
	n, err := mw.w.Write(b)
	if err != nil {
		mw.werr = fmt.Errorf("writing member spill file: %w", err)
		return n, mw.werr
	}
	return n, nil
}

// sanitizeSpilled runs the engine on one spilled member and copies the
// result into the output, or drops or rejects it by policy.
func (p *packer) sanitizeSpilled(clean string, modified time.Time, spill *os.File, size int64) error {
	res, err := os.CreateTemp(p.env.TempDir, "sanitized-*")
	if err != nil {
		return fmt.Errorf("making member output file: %w", err)
	}
	defer removeTemp(res)
	mrep, err := p.env.Nested(p.ctx, sanitize.Input{R: spill, Size: size, Name: clean}, res, p.env)
	if err != nil {
		return fmt.Errorf("sanitizing member %q: %w", clip(clean), err)
	}
	p.rep.Members = append(p.rep.Members, sanitize.MemberReport{Path: clean, Report: mrep})
	if mrep.Verdict == sanitize.VerdictRejected {
		return p.applyPolicy(clean, mrep)
	}
	name := mrep.OutputName
	if dir := path.Dir(clean); dir != "." {
		name = dir + "/" + name
	}
	name, err = p.out.file(name)
	if err != nil {
		return err
	}
	// The report says where the clerk finds the member: its path in the
	// output, after renaming.
	mrep.OutputName = name
	w, err := p.zw.CreateHeader(&zip.FileHeader{Name: name, Flags: utf8NameFlag, Modified: zipTime(modified), Method: outputMethod(mrep.OutputType)})
	if err != nil {
		return fmt.Errorf("adding %q to the output: %w", clip(name), err)
	}
	if _, err := res.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("rewinding member output: %w", err)
	}
	if _, err := io.Copy(w, res); err != nil {
		return fmt.Errorf("copying %q to the output: %w", clip(name), err)
	}
	return nil
}

// rejectMember records a member this package cannot read as rejected.
func (p *packer) rejectMember(clean string, why error) error {
	rej, ok := sanitize.AsRejection(why)
	if !ok {
		rej = &sanitize.Rejection{Reason: sanitize.ReasonMalformed, Detail: why.Error()}
	}
	mrep := &sanitize.Report{Name: clean, Verdict: sanitize.VerdictRejected, Reason: rej.Reason, Detail: rej.Detail, Removed: []sanitize.Removal{}}
	p.rep.Members = append(p.rep.Members, sanitize.MemberReport{Path: clean, Report: mrep})
	return p.applyPolicy(clean, mrep)
}

// applyPolicy drops a rejected member, or rejects the archive for it
// (Policy.ArchiveMemberRejected).
func (p *packer) applyPolicy(clean string, mrep *sanitize.Report) error {
	if p.env.Policy.ArchiveMemberRejected == sanitize.MemberReject {
		return sanitize.Reject(mrep.Reason, "member %q: %s", clip(clean), mrep.Detail)
	}
	p.rep.Remove(sanitize.RemovedMember, p.env.Loc(clean), 1)
	return nil
}

// utf8NameFlag is general purpose bit 11 (APPNOTE.TXT §4.4.4): names and
// comments are UTF-8. Every output name carries it.
const utf8NameFlag = 0x800

// outputMethod stores members that are compressed already and deflates the
// rest.
func outputMethod(t sanitize.Type) uint16 {
	switch t.Family() {
	case sanitize.FamilyImage, sanitize.FamilyArchive, sanitize.FamilyOOXML, sanitize.FamilyODF:
		return zip.Store
	}
	return zip.Deflate
}

// zipTime keeps a member's time when a ZIP can hold it (MS-DOS time starts
// in 1980).
func zipTime(t time.Time) time.Time {
	if t.Year() < 1980 || t.Year() > 2107 {
		return time.Time{}
	}
	return t
}

func removeTemp(f *os.File) {
	name := f.Name()
	_ = f.Close()
	_ = os.Remove(name)
}

// errMapper turns a library's read errors into rejections, keeping EOF.
type errMapper struct {
	rc     io.ReadCloser
	mapErr func(error) error
}

func (e *errMapper) Read(b []byte) (int, error) {
	n, err := e.rc.Read(b)
	if err != nil && err != io.EOF {
		if _, ok := sanitize.AsRejection(err); !ok {
			err = e.mapErr(err)
		}
	}
	return n, err
}

func (e *errMapper) Close() error { return e.rc.Close() }
