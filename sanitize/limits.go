package sanitize

import "time"

// Limits bound the work one input may cause. They are checked before the
// expensive step (sizes from headers are checked before allocation), because
// every input is hostile. Zero values are replaced by DefaultLimits.
type Limits struct {
	// MaxInputBytes is the largest input accepted.
	MaxInputBytes int64 `toml:"max_input_bytes" json:"max_input_bytes"`
	// MaxOutputBytes is the largest output written for one input.
	MaxOutputBytes int64 `toml:"max_output_bytes" json:"max_output_bytes"`
	// MaxExpandedBytes bounds the total uncompressed bytes read from all
	// members of a container, across nesting (zip bombs).
	MaxExpandedBytes int64 `toml:"max_expanded_bytes" json:"max_expanded_bytes"`
	// MaxRatio bounds the uncompressed/compressed ratio of one member.
	MaxRatio int64 `toml:"max_ratio" json:"max_ratio"`
	// MaxMembers bounds the members of one container (archive entries,
	// OOXML/ODF parts), across nesting.
	MaxMembers int `toml:"max_members" json:"max_members"`
	// MaxDepth bounds archive nesting: 1 means an archive may not contain
	// another archive.
	MaxDepth int `toml:"max_depth" json:"max_depth"`
	// MaxXMLPartBytes bounds one XML part (OOXML, ODF, SVG) uncompressed.
	MaxXMLPartBytes int64 `toml:"max_xml_part_bytes" json:"max_xml_part_bytes"`
	// MaxXMLDepth bounds element nesting in one XML part.
	MaxXMLDepth int `toml:"max_xml_depth" json:"max_xml_depth"`
	// MaxImagePixels bounds width×height of one image, checked from the
	// header before decoding.
	MaxImagePixels int64 `toml:"max_image_pixels" json:"max_image_pixels"`
	// MaxImageSide bounds the width and the height of one image.
	MaxImageSide int `toml:"max_image_side" json:"max_image_side"`
	// MaxPDFPages bounds the pages of one PDF.
	MaxPDFPages int `toml:"max_pdf_pages" json:"max_pdf_pages"`

	// WallTime bounds one isolated sanitizing run, end to end.
	WallTime time.Duration `toml:"wall_time" json:"wall_time"`
	// CPUTime bounds the CPU seconds of one isolated run (RLIMIT_CPU).
	CPUTime time.Duration `toml:"cpu_time" json:"cpu_time"`
	// MemoryBytes bounds the memory of one isolated run.
	MemoryBytes int64 `toml:"memory_bytes" json:"memory_bytes"`
}

// DefaultLimits are sized for office documents on a 2-core, a-few-GiB
// gateway: a 2 GiB upload, ten thousand members, 10 000 px images.
func DefaultLimits() Limits {
	return Limits{
		MaxInputBytes:    2 << 30,
		MaxOutputBytes:   4 << 30,
		MaxExpandedBytes: 8 << 30,
		MaxRatio:         200,
		MaxMembers:       10000,
		MaxDepth:         4,
		MaxXMLPartBytes:  256 << 20,
		MaxXMLDepth:      256,
		MaxImagePixels:   100_000_000,
		MaxImageSide:     20000,
		MaxPDFPages:      10000,
		WallTime:         5 * time.Minute,
		CPUTime:          4 * time.Minute,
		MemoryBytes:      2 << 30,
	}
}

// WithDefaults returns l with every zero field replaced by its default.
func (l Limits) WithDefaults() Limits {
	d := DefaultLimits()
	fill := func(v *int64, def int64) {
		if *v <= 0 {
			*v = def
		}
	}
	fill(&l.MaxInputBytes, d.MaxInputBytes)
	fill(&l.MaxOutputBytes, d.MaxOutputBytes)
	fill(&l.MaxExpandedBytes, d.MaxExpandedBytes)
	fill(&l.MaxRatio, d.MaxRatio)
	fill(&l.MaxXMLPartBytes, d.MaxXMLPartBytes)
	fill(&l.MaxImagePixels, d.MaxImagePixels)
	fill(&l.MemoryBytes, d.MemoryBytes)
	if l.MaxMembers <= 0 {
		l.MaxMembers = d.MaxMembers
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = d.MaxDepth
	}
	if l.MaxXMLDepth <= 0 {
		l.MaxXMLDepth = d.MaxXMLDepth
	}
	if l.MaxImageSide <= 0 {
		l.MaxImageSide = d.MaxImageSide
	}
	if l.MaxPDFPages <= 0 {
		l.MaxPDFPages = d.MaxPDFPages
	}
	if l.WallTime <= 0 {
		l.WallTime = d.WallTime
	}
	if l.CPUTime <= 0 {
		l.CPUTime = d.CPUTime
	}
	return l
}

// Budget is shared by every level of one run so that limits on totals hold
// across nesting: a zip of zips cannot reset them by recursion.
type Budget struct {
	limits   Limits
	expanded int64
	members  int
}

// NewBudget returns a fresh budget for one top-level input.
func NewBudget(l Limits) *Budget { return &Budget{limits: l} }

// Expand charges n uncompressed bytes, and rejects with ReasonTooLarge once
// the total passes MaxExpandedBytes.
func (b *Budget) Expand(n int64) error {
	b.expanded += n
	if b.expanded > b.limits.MaxExpandedBytes {
		return Reject(ReasonTooLarge, "expanded content exceeds %d bytes", b.limits.MaxExpandedBytes)
	}
	return nil
}

// Member charges one container member, and rejects with
// ReasonTooManyMembers once the total passes MaxMembers.
func (b *Budget) Member() error {
	b.members++
	if b.members > b.limits.MaxMembers {
		return Reject(ReasonTooManyMembers, "more than %d members", b.limits.MaxMembers)
	}
	return nil
}
