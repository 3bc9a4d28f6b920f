package sanitize

import (
	"strings"
	"testing"
)

func TestReportRemoveAddsUp(t *testing.T) {
	var r Report
	r.Remove(RemovedVBAProject, "word/vbaProject.bin", 1)
	r.Remove(RemovedDDE, "word/document.xml", 2)
	r.Remove(RemovedDDE, "word/document.xml", 1)
	r.Remove(RemovedDDE, "word/footer1.xml", 0) // nothing removed, nothing recorded
	if len(r.Removed) != 2 || r.Removed[1].Count != 3 {
		t.Fatalf("Removed = %+v", r.Removed)
	}
}

func TestReportSummary(t *testing.T) {
	r := &Report{Name: "議事録.docm", Type: TypeDOCM, Verdict: VerdictSanitized, OutputName: "議事録.docx"}
	r.Remove(RemovedVBAProject, "word/vbaProject.bin", 1)
	r.Members = []MemberReport{{Path: "x", Report: &Report{Removed: []Removal{{Kind: RemovedDDE, Count: 2}}}}}
	ja := r.Summary("ja")
	for _, want := range []string{"議事録.docm", "無害化しました", "VBAマクロ: 1件", "DDEフィールド（外部プログラム起動）: 2件"} {
		if !strings.Contains(ja, want) {
			t.Errorf("ja summary lacks %q:\n%s", want, ja)
		}
	}
	en := r.Summary("en")
	if !strings.Contains(en, "VBA macros: 1") {
		t.Errorf("en summary:\n%s", en)
	}
	rej := &Report{Name: "a.exe", Verdict: VerdictRejected, Reason: ReasonUnsupported}
	if s := rej.Summary("ja"); !strings.Contains(s, "拒否しました") || !strings.Contains(s, "実行ファイル") {
		t.Errorf("rejected summary: %s", s)
	}
}

func TestEveryCodeHasBothLabels(t *testing.T) {
	for _, k := range AllRemovalKinds() {
		if k.Label("ja") == string(k) || k.Label("en") == string(k) {
			t.Errorf("removal kind %s lacks a label", k)
		}
	}
	for _, r := range AllReasons() {
		if r.Label("ja") == string(r) || r.Label("en") == string(r) {
			t.Errorf("reason %s lacks a label", r)
		}
	}
}
