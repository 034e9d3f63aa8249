package kehoach

import (
	"archive/zip"
	"bytes"
	"path"
	"strconv"
	"strings"
)

// Evidence types allowed, by what the content is. The name's extension
// must say the same, so that a file opened by its name on a desktop is what
// it claims to be.
const (
	EvidencePDF  = "application/pdf"
	EvidencePNG  = "image/png"
	EvidenceJPEG = "image/jpeg"
	EvidenceDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	EvidenceXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

var evidenceExt = map[string]string{
	".pdf": EvidencePDF, ".png": EvidencePNG, ".jpg": EvidenceJPEG, ".jpeg": EvidenceJPEG,
	".docx": EvidenceDOCX, ".xlsx": EvidenceXLSX,
}

// SniffEvidence returns the type of an evidence file judged by its
// content, or EINVALID with Fields["evidence"] when it is empty, larger
// than EvidenceMaxBytes, not one of the allowed types, or not what its
// name's extension says. DOCX and XLSX are ZIP packages: the part that
// makes each one (word/document.xml, xl/workbook.xml) must be inside.
func SniffEvidence(name string, data []byte) (string, error) {
	bad := func(reason string) error {
		return &Error{Code: EINVALID, Message: "Tệp minh chứng “" + name + "” không nhận được: " + reason,
			Fields: map[string]string{"evidence": reason}}
	}
	switch {
	case name == "" || len([]rune(name)) > EvidenceNameMaxLen || strings.ContainsAny(name, "/\\\x00"):
		return "", bad("tên tệp không hợp lệ.")
	case len(data) == 0:
		return "", bad("tệp rỗng.")
	case len(data) > EvidenceMaxBytes:
		return "", bad("tệp lớn quá " + strconv.Itoa(EvidenceMaxBytes>>20) + " MB.")
	}
	want, ok := evidenceExt[strings.ToLower(path.Ext(name))]
	if !ok {
		return "", bad("chỉ nhận tệp PDF, ảnh PNG/JPEG, Word (DOCX) hoặc Excel (XLSX).")
	}
	got := sniff(data)
	if got == "" {
		return "", bad("nội dung không phải PDF, ảnh, DOCX hay XLSX.")
	}
	if got != want {
		return "", bad("tên tệp ghi là " + strings.ToUpper(strings.TrimPrefix(path.Ext(name), ".")) + " nhưng nội dung là " + typeLabel(got) + ".")
	}
	return got, nil
}

func sniff(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return EvidencePDF
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return EvidencePNG
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
		return EvidenceJPEG
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return ""
		}
		for _, f := range z.File {
			switch f.Name {
			case "word/document.xml":
				return EvidenceDOCX
			case "xl/workbook.xml":
				return EvidenceXLSX
			}
		}
	}
	return ""
}

func typeLabel(t string) string {
	switch t {
	case EvidencePDF:
		return "PDF"
	case EvidencePNG:
		return "ảnh PNG"
	case EvidenceJPEG:
		return "ảnh JPEG"
	case EvidenceDOCX:
		return "DOCX"
	case EvidenceXLSX:
		return "XLSX"
	}
	return t
}
