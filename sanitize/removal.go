package sanitize

// RemovalKind names one kind of active or risky content a sanitizer removed.
// Kinds are stable codes (reports, audit, golden files); Label translates them.
type RemovalKind string

const (
	// Office (OOXML, ODF, legacy, RTF)
	RemovedVBAProject       RemovalKind = "vba_project"           // VBA macros (vbaProject.bin, VBA storages)
	RemovedXLMMacroSheet    RemovalKind = "xlm_macrosheet"        // Excel 4.0 macro sheets and dialog sheets
	RemovedBasicMacro       RemovalKind = "basic_macro"           // ODF Basic/ and Scripts/
	RemovedActiveX          RemovalKind = "activex"               // ActiveX controls
	RemovedOLEObject        RemovalKind = "ole_object"            // embedded OLE objects and packages
	RemovedExternalRel      RemovalKind = "external_relationship" // relationships to outside targets (data connections, linked OLE, frames)
	RemovedAttachedTemplate RemovalKind = "attached_template"     // remote template (template injection)
	RemovedSubDocument      RemovalKind = "sub_document"          // master-document subDocument links
	RemovedDDE              RemovalKind = "dde"                   // DDE/DDEAUTO fields, ddeService links
	RemovedFieldInclude     RemovalKind = "include_field"         // INCLUDETEXT/INCLUDEPICTURE fields fetching outside content
	RemovedCustomUI         RemovalKind = "custom_ui"             // ribbon customisation that calls macros
	RemovedPrinterSettings  RemovalKind = "printer_settings"      // binary printer settings parts
	RemovedMetadata         RemovalKind = "metadata"              // author, company, comments in document properties
	RemovedHyperlink        RemovalKind = "hyperlink"             // ordinary hyperlinks (only when the policy removes them)
	RemovedEventListener    RemovalKind = "event_listener"        // ODF script event listeners
	RemovedRTFObject        RemovalKind = "rtf_object"            // RTF \object, \objdata, \objupdate
	RemovedExternalData     RemovalKind = "external_data"         // external data connections and query tables
	RemovedMacroTrigger     RemovalKind = "macro_trigger"         // MACROBUTTON fields, form-field and shape macros, ppaction://macro
	RemovedUnknownPart      RemovalKind = "unknown_part"          // package parts of unknown type or reached by no known relationship

	// PDF
	RemovedJavaScript    RemovalKind = "javascript"         // JavaScript (Names tree, /JS)
	RemovedOpenAction    RemovalKind = "open_action"        // actions run when the document opens
	RemovedAdditionalAct RemovalKind = "additional_action"  // /AA triggers on pages, annotations, fields
	RemovedLaunch        RemovalKind = "launch"             // Launch actions (run a program)
	RemovedEmbeddedFile  RemovalKind = "embedded_file"      // EmbeddedFiles and FileAttachment annotations
	RemovedXFA           RemovalKind = "xfa"                // XFA forms
	RemovedRichMedia     RemovalKind = "rich_media"         // RichMedia, 3D, Sound, Movie
	RemovedURIAction     RemovalKind = "uri_action"         // links to web addresses (only when the policy removes them)
	RemovedSubmitForm    RemovalKind = "submit_form"        // SubmitForm actions
	RemovedImportData    RemovalKind = "import_data"        // ImportData actions
	RemovedGoToRemote    RemovalKind = "goto_remote"        // GoToR / GoToE (other files)
	RemovedIncremental   RemovalKind = "incremental_update" // hidden earlier revisions and unreferenced objects

	// Images
	RemovedImageMetadata RemovalKind = "image_metadata" // EXIF, XMP, GPS, comments, ICC beyond the colour profile
	RemovedTrailingData  RemovalKind = "trailing_data"  // bytes after the end of the image (polyglots)

	// Text, CSV, HTML, SVG
	RemovedFormula       RemovalKind = "formula"            // CSV cells that would run as formulas
	RemovedScript        RemovalKind = "script"             // <script>, javascript: URLs
	RemovedEventHandler  RemovalKind = "event_handler"      // on* attributes
	RemovedExternalRef   RemovalKind = "external_reference" // remote images, stylesheets, iframes, xlink:href to outside
	RemovedForeignObject RemovalKind = "foreign_object"     // SVG foreignObject, embeds, objects
	RemovedControlChars  RemovalKind = "control_chars"      // control characters in text (bidi overrides and the like)

	// Archives
	RemovedMember RemovalKind = "rejected_member" // a member that was itself rejected, left out of the archive
)

var removalLabels = map[RemovalKind][2]string{
	RemovedVBAProject:       {"VBAマクロ", "VBA macros"},
	RemovedXLMMacroSheet:    {"Excel 4.0マクロシート", "Excel 4.0 macro sheets"},
	RemovedBasicMacro:       {"Basicマクロ・スクリプト", "Basic macros and scripts"},
	RemovedActiveX:          {"ActiveXコントロール", "ActiveX controls"},
	RemovedOLEObject:        {"埋め込みオブジェクト（OLE）", "embedded (OLE) objects"},
	RemovedExternalRel:      {"外部への参照（リンク・データ接続）", "references to outside resources"},
	RemovedAttachedTemplate: {"外部テンプレートの参照", "remote template reference"},
	RemovedSubDocument:      {"サブ文書へのリンク", "sub-document links"},
	RemovedDDE:              {"DDEフィールド（外部プログラム起動）", "DDE fields (start outside programs)"},
	RemovedFieldInclude:     {"外部ファイルを取り込むフィールド", "fields that include outside files"},
	RemovedCustomUI:         {"マクロを呼び出すリボン設定", "ribbon customisation calling macros"},
	RemovedPrinterSettings:  {"プリンター設定（バイナリ）", "printer settings (binary)"},
	RemovedMetadata:         {"文書のプロパティ（作成者等）", "document properties (author etc.)"},
	RemovedHyperlink:        {"ハイパーリンク", "hyperlinks"},
	RemovedEventListener:    {"イベントで動くスクリプト", "script event listeners"},
	RemovedRTFObject:        {"RTF埋め込みオブジェクト", "RTF embedded objects"},
	RemovedExternalData:     {"外部データ接続", "external data connections"},
	RemovedMacroTrigger:     {"マクロを起動する仕掛け", "macro triggers"},
	RemovedUnknownPart:      {"不明な部品", "unknown parts"},
	RemovedJavaScript:       {"JavaScript", "JavaScript"},
	RemovedOpenAction:       {"文書を開いたときの動作", "actions on opening"},
	RemovedAdditionalAct:    {"操作時に動く動作", "triggered actions"},
	RemovedLaunch:           {"プログラム起動の動作", "program launch actions"},
	RemovedEmbeddedFile:     {"添付・埋め込みファイル", "attached or embedded files"},
	RemovedXFA:              {"XFAフォーム", "XFA forms"},
	RemovedRichMedia:        {"マルチメディア・3D", "rich media and 3D"},
	RemovedURIAction:        {"Webへのリンク", "web links"},
	RemovedSubmitForm:       {"フォーム送信の動作", "form submission actions"},
	RemovedImportData:       {"データ取込の動作", "data import actions"},
	RemovedGoToRemote:       {"他ファイルを開く動作", "actions opening other files"},
	RemovedIncremental:      {"過去の版・参照されないデータ", "earlier revisions and unreferenced data"},
	RemovedImageMetadata:    {"画像のメタデータ（撮影情報・位置情報等）", "image metadata (camera, location etc.)"},
	RemovedTrailingData:     {"画像の後ろに付いたデータ", "data appended after the image"},
	RemovedFormula:          {"数式として実行されるセル", "cells that would run as formulas"},
	RemovedScript:           {"スクリプト", "scripts"},
	RemovedEventHandler:     {"イベントハンドラー", "event handlers"},
	RemovedExternalRef:      {"外部リソースの参照", "references to outside resources"},
	RemovedForeignObject:    {"埋め込み要素（foreignObject等）", "embedded elements (foreignObject etc.)"},
	RemovedControlChars:     {"制御文字", "control characters"},
	RemovedMember:           {"圧縮ファイル内の拒否されたファイル", "rejected archive members"},
}

// Label returns a short human name of k in lang ("ja" or "en").
func (k RemovalKind) Label(lang string) string {
	l, ok := removalLabels[k]
	if !ok {
		return string(k)
	}
	if lang == "en" {
		return l[1]
	}
	return l[0]
}

// AllRemovalKinds returns every removal kind, for documentation and tests.
func AllRemovalKinds() []RemovalKind {
	out := make([]RemovalKind, 0, len(removalLabels))
	for k := range removalLabels {
		out = append(out, k)
	}
	return out
}
