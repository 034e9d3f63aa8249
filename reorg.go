package kehoach

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// Reorganisation kinds (sắp xếp đơn vị hành chính).
const (
	ReorgMerge    = "merge"
	ReorgSplit    = "split"
	ReorgRename   = "rename"
	ReorgMove     = "move"
	ReorgDissolve = "dissolve"
)

// LinkMove links a unit to its own next version under another parent (or
// after a rename): the same place, so its figures carry over whole.
const LinkMove = "move"

// ReorgKinds lists the kinds of reorganisation.
var ReorgKinds = []string{ReorgMerge, ReorgSplit, ReorgRename, ReorgMove, ReorgDissolve}

// Reorg is one reorganisation with its effective date: the first day of
// the new state. Units end the day before; new units begin on Date.
// Nothing is deleted: validity intervals and successor links record it.
type Reorg struct {
	Kind string `json:"kind"`
	Date Date   `json:"date"`
	// Units are the units reorganised: several for a merge, one otherwise.
	Units []string `json:"units"`
	// Into is the existing unit a merge goes into; when empty, New is made.
	Into string `json:"into,omitempty"`
	// New is the unit a merge makes, or the next version of a renamed or
	// moved unit (Code may be empty: one is derived).
	New *Unit `json:"new,omitempty"`
	// Parent is where a move puts the unit.
	Parent string `json:"parent,omitempty"`
	// Parts are the units a split makes.
	Parts []ReorgPart `json:"parts,omitempty"`
	// Confirm lists the keys of the proposals (ReorgProposal.Key) the
	// administrator accepted; the others are left as they are.
	Confirm []string `json:"confirm,omitempty"`
}

// ReorgPart is one unit a split makes: the villages (children) it takes,
// and its share in percent of the figures kept at the split unit itself.
type ReorgPart struct {
	Code     string   `json:"code"`
	Name     string   `json:"name"`
	Villages []string `json:"villages,omitempty"`
	Share    float64  `json:"share,omitempty"`
}

// ReorgPlan is what a reorganisation changes, worked out before anything
// is written: shown as the preview, then applied as it is.
type ReorgPlan struct {
	Reorg   *Reorg     `json:"reorg"`
	Ended   []*Unit    `json:"ended"`   // units whose ValidTo becomes Date-1
	Created []*Unit    `json:"created"` // new units, valid from Date
	Links   []UnitLink `json:"links"`
	// Moved are units born on the date itself (by an earlier operation of
	// the same day) put under the successor in place: they have no
	// history to keep.
	Moved []*Unit          `json:"moved,omitempty"`
	Props []*ReorgProposal `json:"proposals"`
}

// Proposal kinds: what refers to a unit that ends.
const (
	PropUserScope   = "user_scope"
	PropTargetScope = "target_scope"
	PropTaskLead    = "task_lead"
)

// ReorgProposal proposes that something referring to an ended unit refer
// to its successors instead. Default tells whether the preview offers it
// ticked: users' scopes move, targets keep their original basis unless the
// administrator says otherwise (their meaning is the old units).
type ReorgProposal struct {
	Key     string   `json:"key"`
	Kind    string   `json:"kind"`
	Label   string   `json:"label"` // who or what, for the page
	From    string   `json:"from"`
	To      []string `json:"to"`
	Default bool     `json:"default"`
}

// ReorgService reorganises units. Only an actor whose Entry scope is all
// units (an administrator or a command) may; EFORBIDDEN otherwise.
type ReorgService interface {
	// PreviewReorg works out r without writing. EINVALID with Fields for
	// bad input (see PlanReorg).
	PreviewReorg(ctx context.Context, r *Reorg) (*ReorgPlan, error)
	// ApplyReorg applies r and the confirmed proposals in one transaction,
	// audited. The same errors as PreviewReorg; nothing is written then.
	ApplyReorg(ctx context.Context, r *Reorg) (*ReorgPlan, error)
}

// UnitAdminService keeps units one by one (kind, code, name, parent,
// validity). Administrators only (EFORBIDDEN); EINVALID with Fields for
// bad input, ECONFLICT for a code taken, ENOTFOUND for an unknown code.
type UnitAdminService interface {
	CreateUnit(ctx context.Context, u *Unit) error
	// UpdateUnit changes the unit with code to u (u.Code may be a new code).
	UpdateUnit(ctx context.Context, code string, u *Unit) (*Unit, error)
}

// HierarchyReader reads targets under the tree of a day (issue 10); the
// analytics engine implements it.
type HierarchyReader interface {
	// PlanProgressUnder is PlanProgress with each target read under the
	// tree of date ("" = as it was). EINVALID for a malformed date.
	PlanProgressUnder(ctx context.Context, plan *Plan, asOf string, date Date) ([]*TargetProgress, error)
	// TargetBreakdownUnder is TargetBreakdown with the units of kind of
	// the tree of date ("" = as it was).
	TargetBreakdownUnder(ctx context.Context, t *Target, kind, p string, date Date) ([]*UnitProgress, error)
}

// Offered returns the keys of the proposals the preview offers ticked.
func (p *ReorgPlan) Offered() []string {
	var keys []string
	for _, pr := range p.Props {
		if pr.Default {
			keys = append(keys, pr.Key)
		}
	}
	return keys
}

// DayBefore returns the day before d.
func (d Date) DayBefore() Date { return DateOf(d.Time().AddDate(0, 0, -1)) }

// ReorgTree is what PlanReorg needs of the database: every unit, every
// link, and for each unit the start of the latest period it has figures
// of (its own, not its subtree's).
type ReorgTree struct {
	Units     []*Unit
	Links     []UnitLink
	LastStart map[string]Date
}

func invalidReorg(fields map[string]string) error {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	msgs := make([]string, 0, len(keys))
	for _, k := range keys {
		msgs = append(msgs, fields[k])
	}
	return &Error{Code: EINVALID, Message: "Không thể sắp xếp đơn vị: " + strings.Join(msgs, "; ") + ".", Fields: fields}
}

// Validate checks r on its own (without the tree): per field reasons.
func (r *Reorg) Validate() map[string]string {
	f := map[string]string{}
	if !slices.Contains(ReorgKinds, r.Kind) {
		f["kind"] = fmt.Sprintf("kiểu sắp xếp %q không có (sáp nhập, chia tách, đổi tên, chuyển, giải thể)", r.Kind)
	}
	if r.Date == "" {
		f["date"] = "cần ngày có hiệu lực"
	} else if _, err := time.Parse(DateFormat, string(r.Date)); err != nil {
		f["date"] = fmt.Sprintf("ngày %q không hợp lệ (cần dạng NNNN-TT-NN)", r.Date)
	}
	seen := map[string]bool{}
	for _, c := range r.Units {
		if c == "" {
			f["units"] = "mã đơn vị trống"
		} else if seen[c] {
			f["units"] = fmt.Sprintf("đơn vị %s được nêu hai lần", c)
		}
		seen[c] = true
	}
	switch r.Kind {
	case ReorgMerge:
		if len(r.Units) < 1 || (r.Into == "" && len(r.Units) < 2) {
			f["units"] = "sáp nhập cần ít nhất hai đơn vị (hoặc một đơn vị và đơn vị nhận)"
		}
		if r.Into == "" && (r.New == nil || strings.TrimSpace(r.New.Code) == "" || strings.TrimSpace(r.New.Name) == "") {
			f["new"] = "cần mã và tên của đơn vị mới, hoặc chọn đơn vị nhận sáp nhập"
		}
		if r.Into != "" && seen[r.Into] {
			f["into"] = fmt.Sprintf("đơn vị %s không thể sáp nhập vào chính nó", r.Into)
		}
	case ReorgSplit:
		if len(r.Units) != 1 {
			f["units"] = "chia tách một đơn vị mỗi lần"
		}
		if len(r.Parts) < 2 {
			f["parts"] = "chia tách cần ít nhất hai đơn vị mới"
		}
		codes := map[string]bool{}
		sum, given := 0.0, 0
		for i, p := range r.Parts {
			if strings.TrimSpace(p.Code) == "" || strings.TrimSpace(p.Name) == "" {
				f["parts"] = fmt.Sprintf("đơn vị mới thứ %d cần mã và tên", i+1)
			} else if codes[p.Code] {
				f["parts"] = fmt.Sprintf("mã %s được nêu hai lần", p.Code)
			}
			codes[p.Code] = true
			if p.Share < 0 || p.Share > 100 {
				f["shares"] = fmt.Sprintf("tỷ lệ của %s phải từ 0 đến 100 %%", p.Code)
			}
			if p.Share > 0 {
				given++
			}
			sum += p.Share
		}
		if given > 0 && math.Abs(sum-100) > 0.01 {
			f["shares"] = fmt.Sprintf("tổng tỷ lệ là %s %%, phải bằng 100 %%", trimFloat(sum))
		}
	case ReorgRename:
		if len(r.Units) != 1 {
			f["units"] = "đổi tên một đơn vị mỗi lần"
		}
		if r.New == nil || strings.TrimSpace(r.New.Name) == "" {
			f["new"] = "cần tên mới"
		}
	case ReorgMove:
		if len(r.Units) != 1 {
			f["units"] = "chuyển một đơn vị mỗi lần"
		}
		if r.Parent == "" {
			f["parent"] = "cần đơn vị cấp trên mới"
		} else if seen[r.Parent] {
			f["parent"] = "không thể chuyển đơn vị vào chính nó"
		}
	case ReorgDissolve:
		if len(r.Units) != 1 {
			f["units"] = "giải thể một đơn vị mỗi lần"
		}
	}
	return f
}

func trimFloat(v float64) string {
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.2f", v), "0"), ".")
}

// PlanReorg works out what r changes in tree t, or says why it cannot:
// EINVALID with Fields for a unit unknown or not valid on the day, a
// validity that would overlap (a unit starting on or after the date), a
// merge into the merged units' own descendant, shares not adding to 100 %,
// a split leaving villages unassigned, and figures already entered under a
// unit that would end for a period starting on or after the date. The
// units still valid under an ended one are carried to new versions under
// its successor (LinkMove), so nothing of the tree is lost.
func PlanReorg(r *Reorg, t *ReorgTree) (*ReorgPlan, error) {
	if f := r.Validate(); len(f) > 0 {
		return nil, invalidReorg(f)
	}
	return planIn(r, t, indexTree(t))
}

// treeIndex is a tree's units by code and by parent, the codes taken and
// the links from each unit already succeeded.
type treeIndex struct {
	byCode map[string]*Unit
	kids   map[string][]*Unit
	taken  map[string]bool
	succ   map[string]UnitLink
}

func indexTree(t *ReorgTree) *treeIndex {
	ix := &treeIndex{byCode: make(map[string]*Unit, len(t.Units)), kids: map[string][]*Unit{}, taken: make(map[string]bool, len(t.Units)), succ: map[string]UnitLink{}}
	for _, l := range t.Links {
		ix.succ[l.From] = l
	}
	for _, u := range t.Units {
		ix.byCode[u.Code] = u
		ix.taken[u.Code] = true
		if u.ParentCode != "" {
			ix.kids[u.ParentCode] = append(ix.kids[u.ParentCode], u)
		}
	}
	return ix
}

// planIn plans r in t indexed by ix (which it does not change but for
// the codes it takes).
func planIn(r *Reorg, t *ReorgTree, ix *treeIndex) (*ReorgPlan, error) {
	if f := r.Validate(); len(f) > 0 {
		return nil, invalidReorg(f)
	}
	pl := &planner{r: r, t: t, f: map[string]string{}, byCode: ix.byCode, kids: ix.kids, taken: ix.taken, succ: ix.succ, plan: &ReorgPlan{Reorg: r}}
	pl.run()
	if len(pl.f) > 0 {
		return nil, invalidReorg(pl.f)
	}
	return pl.plan, nil
}

type planner struct {
	r      *Reorg
	t      *ReorgTree
	f      map[string]string
	byCode map[string]*Unit
	kids   map[string][]*Unit
	taken  map[string]bool
	succ   map[string]UnitLink // a link from each unit already succeeded
	plan   *ReorgPlan
}

// live returns the unit with code if it is valid on the day before the
// date and on the date, recording why not under field.
func (p *planner) live(code, field string) *Unit {
	u := p.byCode[code]
	d := p.r.Date
	switch {
	case u == nil:
		p.f[field] = fmt.Sprintf("không có đơn vị mã %q", code)
	case u.ValidFrom != "" && u.ValidFrom >= d:
		p.f[field] = fmt.Sprintf("hiệu lực chồng lấn: %s chỉ bắt đầu từ %s, không sớm hơn ngày sắp xếp %s", code, u.ValidFrom, d)
	case !u.ValidOn(d):
		p.f[field] = fmt.Sprintf("%s đã hết hiệu lực từ %s, trước ngày sắp xếp %s", code, u.ValidTo, d)
	default:
		return u
	}
	return nil
}

// isWithin reports whether code lies in the subtree of root.
func (p *planner) isWithin(code, root string) bool {
	for u := p.byCode[code]; u != nil; u = p.byCode[u.ParentCode] {
		if u.Code == root {
			return true
		}
		if u.ParentCode == "" {
			break
		}
	}
	return false
}

// end closes u on the day before the date, refusing when it has figures
// for a period that starts on or after the date.
func (p *planner) end(u *Unit) {
	if l, ok := p.succ[u.Code]; ok {
		p.f["units"] = fmt.Sprintf("hiệu lực chồng lấn: %s đã được sắp xếp vào %s từ %s", u.Code, l.To, l.Date)
	}
	if last := p.t.LastStart[u.Code]; last != "" && last >= p.r.Date {
		p.f["date"] = fmt.Sprintf("đơn vị %s đã có số liệu cho kỳ bắt đầu %s, sau ngày hiệu lực %s: hãy chọn ngày muộn hơn", u.Code, last, p.r.Date)
	}
	c := *u
	c.ValidTo = p.r.Date.DayBefore()
	c.Children, c.Successors, c.Predecessors = nil, nil, nil
	p.plan.Ended = append(p.plan.Ended, &c)
}

func (p *planner) link(from, to, kind string, share float64) {
	p.plan.Links = append(p.plan.Links, UnitLink{From: from, To: to, Kind: kind, Date: p.r.Date, Share: share})
}

// create adds a new unit under parent (nil: a root).
func (p *planner) create(u *Unit, parent *Unit, field string) *Unit {
	if p.taken[u.Code] {
		p.f[field] = fmt.Sprintf("mã đơn vị %q đã có", u.Code)
	}
	p.taken[u.Code] = true
	n := &Unit{Code: u.Code, Name: u.Name, Kind: u.Kind, Subkind: u.Subkind, Level: 1, ValidFrom: p.r.Date, ValidTo: u.ValidTo, Synthetic: u.Synthetic}
	if parent != nil {
		n.ParentCode, n.Level = parent.Code, parent.Level+1
	}
	p.plan.Created = append(p.plan.Created, n)
	return n
}

// derive returns a free code for the next version of code.
func (p *planner) derive(code string) string {
	base := code + "_" + strings.ReplaceAll(string(p.r.Date), "-", "")[2:6]
	c := base
	for i := 2; p.taken[c]; i++ {
		c = fmt.Sprintf("%s_%d", base, i)
	}
	return c
}

// carry moves the units still valid under old to new versions under to.
func (p *planner) carry(old, to *Unit, skip map[string]bool) {
	for _, c := range p.kids[old.Code] {
		if skip[c.Code] || !c.ValidOn(p.r.Date) {
			continue
		}
		if c.ValidFrom == p.r.Date {
			m := *c
			m.ParentCode, m.Level = to.Code, to.Level+1
			p.plan.Moved = append(p.plan.Moved, &m)
			continue
		}
		p.version(c, to, c.Name, "")
	}
}

// version ends u and makes its next version (name, code; "" derives one)
// under parent, carrying u's live children along.
func (p *planner) version(u, parent *Unit, name, code string) *Unit {
	p.end(u)
	if code == "" {
		code = p.derive(u.Code)
	}
	n := p.create(&Unit{Code: code, Name: name, Kind: u.Kind, Subkind: u.Subkind, ValidTo: u.ValidTo, Synthetic: u.Synthetic}, parent, "new")
	p.link(u.Code, n.Code, LinkMove, 1)
	p.carry(u, n, nil)
	return n
}

func (p *planner) run() {
	r := p.r
	var src []*Unit
	for _, c := range r.Units {
		if u := p.live(c, "units"); u != nil {
			src = append(src, u)
		}
	}
	if len(p.f) > 0 {
		return
	}
	switch r.Kind {
	case ReorgMerge:
		var into *Unit
		if r.Into != "" {
			if into = p.live(r.Into, "into"); into == nil {
				return
			}
			for _, s := range src {
				if p.isWithin(into.Code, s.Code) {
					p.f["into"] = fmt.Sprintf("không thể sáp nhập %s vào %s, đơn vị cấp dưới của chính nó", s.Code, into.Code)
					return
				}
			}
		} else {
			parent := p.byCode[src[0].ParentCode]
			if r.New.ParentCode != "" {
				if parent = p.live(r.New.ParentCode, "parent"); parent == nil {
					return
				}
			}
			for _, s := range src {
				if parent != nil && p.isWithin(parent.Code, s.Code) {
					p.f["parent"] = fmt.Sprintf("không thể đặt đơn vị mới dưới %s, đơn vị cấp dưới của %s được sáp nhập", parent.Code, s.Code)
					return
				}
			}
			nu := *r.New
			if nu.Kind == "" {
				nu.Kind, nu.Subkind = src[0].Kind, firstNonEmpty(nu.Subkind, src[0].Subkind)
			}
			into = p.create(&nu, parent, "new")
		}
		for _, s := range src {
			p.end(s)
			p.link(s.Code, into.Code, LinkMerge, 1)
			p.carry(s, into, nil)
		}
	case ReorgSplit:
		s := src[0]
		parent := p.byCode[s.ParentCode]
		assigned := map[string]string{}
		for _, part := range r.Parts {
			for _, v := range part.Villages {
				c := p.byCode[v]
				switch {
				case c == nil || c.ParentCode != s.Code || !c.ValidOn(r.Date):
					p.f["villages"] = fmt.Sprintf("%s không phải đơn vị trực thuộc %s còn hiệu lực", v, s.Code)
				case assigned[v] != "":
					p.f["villages"] = fmt.Sprintf("%s được giao cho cả %s và %s", v, assigned[v], part.Code)
				}
				assigned[v] = part.Code
			}
		}
		var left []string
		for _, c := range p.kids[s.Code] {
			if c.ValidOn(r.Date) && assigned[c.Code] == "" {
				left = append(left, c.Code)
			}
		}
		if len(left) > 0 {
			p.f["villages"] = fmt.Sprintf("chia tách còn %d đơn vị trực thuộc chưa được giao: %s", len(left), strings.Join(left, ", "))
		}
		shares := r.shares(len(p.kids[s.Code]))
		if shares == nil {
			p.f["shares"] = fmt.Sprintf("%s không có đơn vị trực thuộc: cần tỷ lệ của mỗi đơn vị mới (tổng 100 %%)", s.Code)
		}
		if len(p.f) > 0 {
			return
		}
		p.end(s)
		for i, part := range r.Parts {
			n := p.create(&Unit{Code: part.Code, Name: part.Name, Kind: s.Kind, Subkind: s.Subkind, Synthetic: s.Synthetic}, parent, "parts")
			p.link(s.Code, n.Code, LinkSplit, shares[i])
			for _, v := range part.Villages {
				c := p.byCode[v]
				p.version(c, n, c.Name, "")
			}
		}
	case ReorgRename:
		s := src[0]
		p.version(s, p.byCode[s.ParentCode], r.New.Name, r.New.Code)
		p.plan.Links[0].Kind = LinkRename
	case ReorgMove:
		s := src[0]
		parent := p.live(r.Parent, "parent")
		if parent == nil {
			return
		}
		if p.isWithin(parent.Code, s.Code) {
			p.f["parent"] = fmt.Sprintf("không thể chuyển %s vào %s, đơn vị cấp dưới của chính nó", s.Code, parent.Code)
			return
		}
		code := ""
		if r.New != nil {
			code = r.New.Code
		}
		p.version(s, parent, s.Name, code)
	case ReorgDissolve:
		var walk func(u *Unit)
		walk = func(u *Unit) {
			p.end(u)
			for _, c := range p.kids[u.Code] {
				if c.ValidOn(r.Date) {
					walk(c)
				}
			}
		}
		walk(src[0])
	}
}

// shares returns each part's share of the split unit's own figures, as
// fractions: as declared, or else by the villages each takes; nil when
// neither tells.
func (r *Reorg) shares(children int) []float64 {
	out := make([]float64, len(r.Parts))
	declared, villages := 0.0, 0
	for _, p := range r.Parts {
		declared += p.Share
		villages += len(p.Villages)
	}
	for i, p := range r.Parts {
		switch {
		case declared > 0:
			out[i] = p.Share / 100
		case villages > 0:
			out[i] = float64(len(p.Villages)) / float64(villages)
		default:
			return nil
		}
	}
	return out
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// Successors returns, for each unit ended by the plan, the units it goes
// to (for a dissolved unit, none).
func (pl *ReorgPlan) Successors() map[string][]string {
	out := map[string][]string{}
	for _, l := range pl.Links {
		out[l.From] = append(out[l.From], l.To)
	}
	return out
}

// SharePercent is Share in percent (0 read as the whole), for pages.
func (l UnitLink) SharePercent() float64 {
	if l.Share <= 0 {
		return 100
	}
	return l.Share * 100
}

// PlanReorgs plans several reorganisations one after the other, each in
// the tree the ones before it leave (a province's communes and villages
// merged on one day, say). EINVALID names the operation that fails.
func PlanReorgs(rs []*Reorg, t *ReorgTree) ([]*ReorgPlan, error) {
	ix := indexTree(t)
	byCode := ix.byCode
	out := make([]*ReorgPlan, 0, len(rs))
	for i, r := range rs {
		pl, err := planIn(r, t, ix)
		if err != nil {
			if e, ok := err.(*Error); ok {
				return nil, &Error{Code: e.Code, Message: fmt.Sprintf("Thao tác %d (%s): %s", i+1, strings.Join(r.Units, ", "), e.Message), Fields: e.Fields}
			}
			return nil, err
		}
		for _, u := range pl.Ended {
			byCode[u.Code].ValidTo = u.ValidTo
		}
		for _, u := range pl.Created {
			c := *u
			t.Units = append(t.Units, &c)
			byCode[c.Code] = &c
			ix.kids[c.ParentCode] = append(ix.kids[c.ParentCode], &c)
		}
		for _, u := range pl.Moved {
			m := byCode[u.Code]
			ix.kids[m.ParentCode] = slices.DeleteFunc(ix.kids[m.ParentCode], func(k *Unit) bool { return k == m })
			m.ParentCode, m.Level = u.ParentCode, u.Level
			ix.kids[m.ParentCode] = append(ix.kids[m.ParentCode], m)
		}
		for _, l := range pl.Links {
			ix.succ[l.From] = l
		}
		t.Links = append(t.Links, pl.Links...)
		out = append(out, pl)
	}
	return out, nil
}
