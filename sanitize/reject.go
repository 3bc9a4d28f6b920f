package sanitize

import (
	"errors"
	"fmt"
)

// Reason says why a file was rejected. Reasons are stable codes: they are
// stored in transfer records and audit events and translated for people by
// Reason.Label.
type Reason string

const (
	ReasonTypeNotAllowed  Reason = "type_not_allowed"      // the policy does not allow this type at all
	ReasonUnsupported     Reason = "unsupported"           // a type Kakehashi cannot rebuild (executables, unknown)
	ReasonExtMismatch     Reason = "extension_mismatch"    // the name lies about the content and the policy rejects that
	ReasonEncrypted       Reason = "encrypted"             // password-protected and no (correct) password given
	ReasonWrongPassword   Reason = "wrong_password"        // a password was given but does not open the file
	ReasonMalformed       Reason = "malformed"             // the file does not parse as its type
	ReasonTooLarge        Reason = "too_large"             // a size limit (input, output, expanded) was hit
	ReasonTooDeep         Reason = "too_deep"              // archive nesting deeper than allowed
	ReasonTooManyMembers  Reason = "too_many_members"      // more archive members than allowed
	ReasonCompressionBomb Reason = "compression_ratio"     // a member expands more than the allowed ratio
	ReasonUnsafePath      Reason = "unsafe_path"           // traversal, absolute or drive-letter member names (zip-slip)
	ReasonDuplicateName   Reason = "duplicate_name"        // two members with the same name
	ReasonLink            Reason = "link"                  // symbolic or hard links inside an archive
	ReasonXMLDoctype      Reason = "xml_doctype"           // a DOCTYPE/ENTITY declaration (XXE, billion laughs)
	ReasonDimensions      Reason = "dimensions"            // an image larger than allowed (decompression bomb)
	ReasonActiveContent   Reason = "active_content"        // active content that the policy says to reject, not remove
	ReasonConverter       Reason = "converter_unavailable" // the external converter (LibreOffice, Ghostscript) is missing or failed
	ReasonResourceLimit   Reason = "resource_limit"        // the isolated parser hit its memory, CPU or output limit
	ReasonTimeout         Reason = "timeout"               // the isolated parser ran out of wall-clock time
	ReasonCrash           Reason = "parser_crash"          // the parser panicked or died; the file is not trusted
)

var reasonLabels = map[Reason][2]string{
	ReasonTypeNotAllowed:  {"この種類のファイルは許可されていません", "this file type is not allowed"},
	ReasonUnsupported:     {"無害化できない種類のファイルです（実行ファイル・スクリプト等）", "this file type cannot be sanitized (executable, script or unknown)"},
	ReasonExtMismatch:     {"拡張子と中身の形式が一致しません", "the file name extension does not match the content"},
	ReasonEncrypted:       {"パスワードで保護されています。パスワードを指定してください", "the file is password-protected; a password is needed"},
	ReasonWrongPassword:   {"パスワードが正しくありません", "the password is wrong"},
	ReasonMalformed:       {"ファイルが壊れているか、形式が正しくありません", "the file is damaged or not valid for its type"},
	ReasonTooLarge:        {"サイズの上限を超えています", "a size limit was exceeded"},
	ReasonTooDeep:         {"圧縮ファイルの入れ子が深すぎます", "archives are nested too deeply"},
	ReasonTooManyMembers:  {"圧縮ファイル内のファイル数が多すぎます", "the archive holds too many files"},
	ReasonCompressionBomb: {"圧縮率が異常です（圧縮爆弾の疑い）", "the compression ratio is abnormal (suspected zip bomb)"},
	ReasonUnsafePath:      {"圧縮ファイル内に危険なパス（../ や絶対パス）があります", "the archive contains an unsafe path (../ or absolute)"},
	ReasonDuplicateName:   {"圧縮ファイル内に同じ名前のファイルが複数あります", "the archive contains duplicate names"},
	ReasonLink:            {"圧縮ファイル内にリンク（シンボリックリンク等）があります", "the archive contains links"},
	ReasonXMLDoctype:      {"XMLに文書型宣言（DOCTYPE/ENTITY）があります（XXE攻撃の疑い）", "the XML has a DOCTYPE/ENTITY declaration (suspected XXE)"},
	ReasonDimensions:      {"画像の縦横サイズが上限を超えています", "the image dimensions exceed the limit"},
	ReasonActiveContent:   {"ポリシーで拒否される動的コンテンツを含みます", "the file has active content that the policy rejects"},
	ReasonConverter:       {"変換ツールが利用できないため無害化できません", "the converter needed for this type is not available"},
	ReasonResourceLimit:   {"処理中にメモリ・CPU・出力サイズの上限に達しました", "processing hit a memory, CPU or output limit"},
	ReasonTimeout:         {"処理が時間内に終わりませんでした", "processing did not finish in time"},
	ReasonCrash:           {"解析中に異常終了しました（不正なファイルの疑い）", "the parser failed on this file (suspected malicious file)"},
}

// Label returns a sentence a clerk understands, in lang ("ja" or "en").
func (r Reason) Label(lang string) string {
	l, ok := reasonLabels[r]
	if !ok {
		return string(r)
	}
	if lang == "en" {
		return l[1]
	}
	return l[0]
}

// AllReasons returns every reason code, for documentation and tests.
func AllReasons() []Reason {
	out := make([]Reason, 0, len(reasonLabels))
	for r := range reasonLabels {
		out = append(out, r)
	}
	return out
}

// Rejection is the error a Sanitizer returns when it refuses a file. Any other
// error from a Sanitizer is an internal fault and is also treated as a
// rejection (fail closed), with ReasonMalformed.
type Rejection struct {
	Reason Reason
	// Detail is for operators and the report: where and what, never secrets
	// (passwords) and never more than a line.
	Detail string
}

func (r *Rejection) Error() string {
	if r.Detail == "" {
		return "rejected: " + string(r.Reason)
	}
	return "rejected: " + string(r.Reason) + ": " + r.Detail
}

// Reject returns a *Rejection with a formatted detail.
func Reject(reason Reason, format string, args ...any) error {
	return &Rejection{Reason: reason, Detail: fmt.Sprintf(format, args...)}
}

// AsRejection returns the *Rejection in err's chain, if any.
func AsRejection(err error) (*Rejection, bool) {
	var r *Rejection
	ok := errors.As(err, &r)
	return r, ok
}
