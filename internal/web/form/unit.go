package form

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"kehoach"
	"kehoach/internal/vntext"
)

// parse reads a posted form of at most 256 KiB (a split of a commune with
// its villages is a few kilobytes).
func parse(r *http.Request) error {
	r.Body = http.MaxBytesReader(nil, r.Body, 256<<10)
	if err := r.ParseForm(); err != nil {
		return kehoach.Errorf(kehoach.EINVALID, "Không đọc được dữ liệu gửi lên: %v", err)
	}
	return nil
}

// DecodeUnit reads the administrator's unit form (issue 10).
func DecodeUnit(r *http.Request) (*kehoach.Unit, error) {
	if err := parse(r); err != nil {
		return nil, err
	}
	f := r.PostForm
	return &kehoach.Unit{
		Code:       strings.ToUpper(strings.TrimSpace(f.Get("code"))),
		Name:       vntext.NFC(strings.TrimSpace(f.Get("name"))),
		Kind:       strings.TrimSpace(f.Get("kind")),
		Subkind:    vntext.NFC(strings.TrimSpace(f.Get("subkind"))),
		ParentCode: strings.ToUpper(strings.TrimSpace(f.Get("parent"))),
		ValidFrom:  kehoach.Date(strings.TrimSpace(f.Get("validFrom"))),
		ValidTo:    kehoach.Date(strings.TrimSpace(f.Get("validTo"))),
	}, nil
}

// Reorg is the reorganisation form as posted, kept to fill it again.
type Reorg struct {
	Kind, Date, Units, Into, NewCode, NewName, Parent, Parts string
	Confirm                                                  []string
	Apply                                                    bool
}

// DecodeReorg reads the reorganisation form. Parts has one line per new
// unit of a split: "CODE | Name | share % | village codes…" (share may be
// empty). Bad lines are EINVALID with Fields["parts"].
func DecodeReorg(r *http.Request) (*Reorg, *kehoach.Reorg, error) {
	if err := parse(r); err != nil {
		return nil, nil, err
	}
	f := r.PostForm
	in := &Reorg{Kind: f.Get("kind"), Date: strings.TrimSpace(f.Get("date")), Units: f.Get("units"), Into: f.Get("into"),
		NewCode: f.Get("newCode"), NewName: vntext.NFC(f.Get("newName")), Parent: f.Get("parent"),
		Parts: vntext.NFC(f.Get("parts")), Confirm: f["confirm"], Apply: f.Get("action") == "apply"}
	out := &kehoach.Reorg{Kind: in.Kind, Date: kehoach.Date(in.Date), Units: codes(in.Units),
		Into: strings.ToUpper(strings.TrimSpace(in.Into)), Parent: strings.ToUpper(strings.TrimSpace(in.Parent)), Confirm: in.Confirm}
	if c, n := strings.ToUpper(strings.TrimSpace(in.NewCode)), strings.TrimSpace(in.NewName); c != "" || n != "" {
		out.New = &kehoach.Unit{Code: c, Name: n}
	}
	for i, line := range strings.Split(in.Parts, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		cols := strings.Split(line, "|")
		for len(cols) < 4 {
			cols = append(cols, "")
		}
		p := kehoach.ReorgPart{Code: strings.ToUpper(strings.TrimSpace(cols[0])), Name: strings.TrimSpace(cols[1]), Villages: codes(cols[3])}
		if s := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(cols[2]), "%")); s != "" {
			v, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", "."), 64)
			if err != nil {
				msg := fmt.Sprintf("dòng %d: tỷ lệ %q không phải số", i+1, s)
				return in, nil, &kehoach.Error{Code: kehoach.EINVALID, Message: "Không thể sắp xếp đơn vị: " + msg + ".", Fields: map[string]string{"parts": msg}}
			}
			p.Share = v
		}
		out.Parts = append(out.Parts, p)
	}
	return in, out, nil
}
