package cli

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"kehoach"
	"kehoach/internal/gen"
	"kehoach/internal/locale"
	"kehoach/internal/store"
)

const unitUsage = `Cách dùng:
  kehoach unit list [--current] [--db URL]                       # cây đơn vị, tên và mã
  kehoach unit add --code MÃ --name TÊN --kind LOẠI [--subkind …] [--parent MÃ] [--from NGÀY] [--to NGÀY] [--db URL]
  kehoach unit update --code MÃ [--new-code MÃ] [--name …] [--kind …] [--subkind …] [--parent MÃ] [--from NGÀY] [--to NGÀY] [--db URL]
  kehoach unit reorg --kind merge|split|rename|move|dissolve --date NGÀY --units MÃ,… [--into MÃ] [--new-code MÃ --new-name TÊN]
                     [--parent MÃ] [--part 'MÃ|Tên|tỷ lệ %|mã thôn bản…']… [--confirm-all | --confirm KHÓA…] [--apply] [--db URL]
                     # không có --apply: chỉ xem trước`

// unitCommand runs `kehoach unit SUBCOMMAND` (issue 10).
func unitCommand(ctx context.Context, env Env, args []string) error {
	return subcommand(ctx, env, "unit", unitUsage, map[string]command{"list": unitList, "add": unitAdd, "update": unitUpdate, "reorg": unitReorg}, args)
}

// openAfterFlags parses the command's flags, refuses arguments left over
// and opens the database.
func openAfterFlags(ctx context.Context, env Env, fs *flag.FlagSet, args []string, db *string) (*store.DB, error) {
	if err := parseFlags(fs, args); err != nil {
		return nil, err
	}
	if err := noArgs(fs); err != nil {
		return nil, err
	}
	return openDB(ctx, env, *db)
}

// unitList prints the tree, indented, with names.
func unitList(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet("unit list", env)
	current := fs.Bool("current", false, "chỉ các đơn vị đang có hiệu lực hôm nay")
	db := dbFlag(fs, env)
	s, err := openAfterFlags(ctx, env, fs, args, db)
	if err != nil {
		return err
	}
	defer s.Close()
	f := kehoach.UnitFilter{}
	if *current {
		f.On = kehoach.DateOf(s.Now().In(locale.VI.Zone))
	}
	units, err := s.FindUnits(ctx, f)
	if err != nil {
		return err
	}
	depth := map[string]int{}
	kids := map[string][]*kehoach.Unit{}
	listed := map[string]bool{}
	for _, u := range units {
		listed[u.Code] = true
	}
	var roots []*kehoach.Unit
	for _, u := range units {
		if listed[u.ParentCode] {
			kids[u.ParentCode] = append(kids[u.ParentCode], u)
		} else {
			roots = append(roots, u)
		}
	}
	var walk func(u *kehoach.Unit)
	walk = func(u *kehoach.Unit) {
		valid := ""
		if u.ValidFrom != "" {
			valid += " từ " + locale.VI.Day(string(u.ValidFrom))
		}
		if u.ValidTo != "" {
			valid += " đến " + locale.VI.Day(string(u.ValidTo))
		}
		fmt.Fprintf(env.Stdout, "%s%s [%s, %s]%s\n", strings.Repeat("  ", depth[u.Code]), u.Name, u.Code, locale.VI.Kind(u.Kind), valid)
		for _, c := range kids[u.Code] {
			depth[c.Code] = depth[u.Code] + 1
			walk(c)
		}
	}
	for _, r := range roots {
		walk(r)
	}
	return nil
}

// unitFlags declares the fields of a unit on fs.
func unitFlags(fs *flag.FlagSet, u *kehoach.Unit) {
	fs.StringVar(&u.Name, "name", u.Name, "`TÊN` đơn vị")
	fs.StringVar(&u.Kind, "kind", u.Kind, "`LOẠI`: "+strings.Join(kehoach.UnitKinds, ", "))
	fs.StringVar(&u.Subkind, "subkind", u.Subkind, "loại cụ thể: xã, phường, bản, tổ dân phố…")
	fs.StringVar(&u.ParentCode, "parent", u.ParentCode, "`MÃ` đơn vị cấp trên")
	fs.Func("from", "có hiệu lực từ `NGÀY` (NNNN-TT-NN)", func(s string) error { u.ValidFrom = kehoach.Date(s); return nil })
	fs.Func("to", "có hiệu lực đến hết `NGÀY` (NNNN-TT-NN; \"\" = đang hoạt động)", func(s string) error { u.ValidTo = kehoach.Date(s); return nil })
}

func unitAdd(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet("unit add", env)
	u := &kehoach.Unit{}
	fs.StringVar(&u.Code, "code", "", "`MÃ` đơn vị mới")
	unitFlags(fs, u)
	db := dbFlag(fs, env)
	s, err := openAfterFlags(ctx, env, fs, args, db)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.CreateUnit(kehoach.NewContextWithActor(ctx, cliActor), u); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Đã thêm đơn vị %s (%s).\n", u.Name, u.Code)
	return nil
}

func unitUpdate(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet("unit update", env)
	code := fs.String("code", "", "`MÃ` đơn vị cần sửa")
	newCode := fs.String("new-code", "", "`MÃ` mới")
	given := &kehoach.Unit{}
	unitFlags(fs, given)
	db := dbFlag(fs, env)
	s, err := openAfterFlags(ctx, env, fs, args, db)
	if err != nil {
		return err
	}
	defer s.Close()
	if *code == "" {
		return usagef("cần --code MÃ (đơn vị cần sửa)")
	}
	u, err := s.FindUnitByCode(ctx, *code)
	if err != nil {
		return err
	}
	u.Children, u.Successors, u.Predecessors = nil, nil, nil
	// Only what is given changes.
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "new-code":
			u.Code = *newCode
		case "name":
			u.Name = given.Name
		case "kind":
			u.Kind = given.Kind
		case "subkind":
			u.Subkind = given.Subkind
		case "parent":
			u.ParentCode = given.ParentCode
		case "from":
			u.ValidFrom = given.ValidFrom
		case "to":
			u.ValidTo = given.ValidTo
		}
	})
	if _, err := s.UpdateUnit(kehoach.NewContextWithActor(ctx, cliActor), *code, u); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Đã sửa đơn vị %s (%s).\n", u.Name, u.Code)
	return nil
}

// parsePart reads one --part "CODE|Name|share|villages…".
func parsePart(s string) (kehoach.ReorgPart, error) {
	cols := strings.Split(s, "|")
	for len(cols) < 4 {
		cols = append(cols, "")
	}
	p := kehoach.ReorgPart{Code: strings.TrimSpace(cols[0]), Name: strings.TrimSpace(cols[1])}
	if v := strings.TrimSuffix(strings.TrimSpace(cols[2]), "%"); v != "" {
		f, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(v), ",", "."), 64)
		if err != nil {
			return p, usagef("--part %q: tỷ lệ %q không phải số", s, v)
		}
		p.Share = f
	}
	p.Villages = strings.FieldsFunc(cols[3], func(r rune) bool { return r == ',' || r == ' ' })
	return p, nil
}

func unitReorg(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet("unit reorg", env)
	r := &kehoach.Reorg{}
	fs.StringVar(&r.Kind, "kind", "", "`KIỂU`: "+strings.Join(kehoach.ReorgKinds, ", "))
	fs.Func("date", "`NGÀY` có hiệu lực (NNNN-TT-NN)", func(s string) error { r.Date = kehoach.Date(s); return nil })
	fs.Func("units", "`MÃ,…` các đơn vị được sắp xếp", func(s string) error {
		for _, c := range strings.Split(s, ",") {
			if c = strings.TrimSpace(c); c != "" {
				r.Units = append(r.Units, c)
			}
		}
		return nil
	})
	fs.StringVar(&r.Into, "into", "", "sáp nhập vào đơn vị `MÃ` đã có")
	newCode := fs.String("new-code", "", "`MÃ` đơn vị mới (sáp nhập), mã phiên bản mới (đổi tên, chuyển)")
	newName := fs.String("new-name", "", "`TÊN` đơn vị mới, tên mới")
	fs.StringVar(&r.Parent, "parent", "", "đơn vị cấp trên `MÃ` (chuyển; đơn vị mới của sáp nhập)")
	fs.Func("part", "một đơn vị mới của chia tách: `'MÃ|Tên|tỷ lệ %|mã thôn bản…'`; lặp lại", func(s string) error {
		p, err := parsePart(s)
		r.Parts = append(r.Parts, p)
		return err
	})
	fs.Func("confirm", "đồng ý đề xuất `KHÓA` (như trong bản xem trước); lặp lại", func(s string) error { r.Confirm = append(r.Confirm, s); return nil })
	all := fs.Bool("confirm-all", false, "đồng ý các đề xuất được đánh dấu sẵn (phạm vi người dùng, nhiệm vụ)")
	apply := fs.Bool("apply", false, "áp dụng (không có: chỉ xem trước)")
	db := dbFlag(fs, env)
	s, err := openAfterFlags(ctx, env, fs, args, db)
	if err != nil {
		return err
	}
	defer s.Close()
	if *newCode != "" || *newName != "" {
		r.New = &kehoach.Unit{Code: *newCode, Name: *newName}
		if r.Kind == kehoach.ReorgMerge {
			r.New.ParentCode = r.Parent
		}
	}
	actx := kehoach.NewContextWithActor(ctx, cliActor)
	pl, err := s.PreviewReorg(actx, r)
	if err != nil {
		return err
	}
	if *all {
		r.Confirm = append(r.Confirm, pl.Offered()...)
	}
	if *apply {
		if pl, err = s.ApplyReorg(actx, r); err != nil {
			return err
		}
	}
	verb := "Sẽ"
	if *apply {
		verb = "Đã"
	}
	fmt.Fprintf(env.Stdout, "%s kết thúc %d đơn vị ngày %s, lập %d đơn vị từ %s, ghi %d liên kết kế thừa.\n",
		verb, len(pl.Ended), locale.VI.Day(string(r.Date.DayBefore())), len(pl.Created), locale.VI.Day(string(r.Date)), len(pl.Links))
	for _, p := range pl.Props {
		mark := " "
		for _, c := range r.Confirm {
			if c == p.Key {
				mark = "x"
			}
		}
		fmt.Fprintf(env.Stdout, "[%s] %s: %s → %s (--confirm %s)\n", mark, p.Label, p.From, strings.Join(p.To, ", "), p.Key)
	}
	if !*apply {
		fmt.Fprintln(env.Stdout, "Chưa thay đổi gì: thêm --apply để áp dụng.")
	}
	return nil
}

// genReorg applies the dataset's reorganisation (`kehoach gen --reorg`) in
// one transaction and says what it did and how long it took.
func genReorg(ctx context.Context, env Env, db *store.DB, spec *gen.Spec, date kehoach.Date) error {
	start := time.Now()
	pls, err := db.ApplyReorgs(ctx, spec.Reorganisation(date))
	if err != nil {
		return err
	}
	ended, created, links, applied := 0, 0, 0, 0
	var kept []*kehoach.ReorgProposal
	for _, pl := range pls {
		ended, created, links = ended+len(pl.Ended), created+len(pl.Created), links+len(pl.Links)
		for _, p := range pl.Props {
			if p.Default {
				applied++
			} else {
				kept = append(kept, p)
			}
		}
	}
	fmt.Fprintf(env.Stdout, "  Sắp xếp từ %s: %s thao tác; %s đơn vị kết thúc, %s đơn vị mới, %s liên kết kế thừa, trong %s giây\n",
		locale.VI.Day(string(date)), locale.VI.Int(int64(len(pls))), locale.VI.Int(int64(ended)), locale.VI.Int(int64(created)),
		locale.VI.Int(int64(links)), seconds(time.Since(start)))
	fmt.Fprintf(env.Stdout, "  Đề xuất đã áp dụng (phạm vi người dùng, đơn vị chủ trì nhiệm vụ): %s; giữ nguyên phạm vi gốc: %s\n",
		locale.VI.Int(int64(applied)), locale.VI.Int(int64(len(kept))))
	for _, p := range kept {
		fmt.Fprintf(env.Stdout, "    %s: giữ %s (kế thừa: %s)\n", p.Label, p.From, strings.Join(p.To, ", "))
	}
	return nil
}
