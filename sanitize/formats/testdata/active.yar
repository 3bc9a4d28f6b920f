// Active-content rules for checking sanitizer outputs with clamscan, which
// runs them on inflated PDF streams, unzipped OOXML/ODF parts and extracted
// OLE streams (research/cdr.md §4b). /URI is not here: links are kept by
// default policy, and neither is /OpenAction: a destination ("open at page
// 1") is harmless and kept, while JavaScript or Launch behind an OpenAction
// are caught by their own rules.
rule PDF_JavaScript { strings: $a = "/JavaScript" $b = "/JS" condition: any of them }
rule PDF_AA { strings: $a = /\/AA[ \r\n\t]*(<<|[0-9])/ condition: $a }
rule PDF_Launch { strings: $a = "/Launch" condition: $a }
rule PDF_EmbeddedFile { strings: $a = "/EmbeddedFile" condition: $a }
rule PDF_XFA { strings: $a = "/XFA" $b = "<xdp:xdp" condition: any of them }
rule PDF_Actions { strings: $a = "/RichMedia" $b = "/SubmitForm" $c = "/ImportData" $d = "/GoToR" condition: any of them }
rule OOXML_vbaProject { strings: $a = "vbaProject.bin" nocase condition: $a }
rule OOXML_External_Target { strings: $a = "TargetMode=\"External\"" condition: $a }
rule OOXML_AttachedTemplate { strings: $a = "attachedTemplate" condition: $a }
rule Office_DDE { strings: $a = "DDEAUTO" nocase $b = /instrText[^>]*>[^<]*\bDDE\b/ $c = "ddeService" condition: any of them }
rule OLE_VBA_Stream { strings: $a = "_VBA_PROJECT" wide $b = "VBA" wide condition: uint32(0) == 0xE011CFD0 and any of them }
rule OLE_ObjectPool { strings: $a = "ObjectPool" wide $b = "\x01Ole10Native" wide condition: uint32(0) == 0xE011CFD0 and any of them }
rule RTF_Object { strings: $a = "\\object" nocase $b = "\\objdata" nocase condition: uint32(0) == 0x74725c7b and any of them }
rule ODF_Script { strings: $a = "script:event-listener" $b = "vnd.sun.star.script" condition: any of them }
rule HTML_Script { strings: $a = "<script" nocase $b = "javascript:" nocase condition: any of them }
