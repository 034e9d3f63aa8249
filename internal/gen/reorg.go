package gen

import (
	"fmt"

	"kehoach"
)

// Reorganisation returns the reorganisation of the dataset on day date,
// in the proportions of 2025 (issue 10): in each commune, of every six
// villages the first two are merged into one (a third of the villages
// merged), then the communes are merged into 38 for every 106
// (commune i into group i mod n), each new commune taking its communes'
// villages. Apply it with ApplyReorgs, in that order.
func (s *Spec) Reorganisation(date kehoach.Date) []*kehoach.Reorg {
	var out []*kehoach.Reorg
	kids := map[string][]*kehoach.Unit{}
	for _, v := range s.villages {
		kids[v.ParentCode] = append(kids[v.ParentCode], v)
	}
	for _, c := range s.communes {
		vs := kids[c.Code]
		for i := 0; i+1 < len(vs); i += 6 {
			out = append(out, &kehoach.Reorg{Kind: kehoach.ReorgMerge, Date: date, Units: []string{vs[i].Code, vs[i+1].Code},
				New: &kehoach.Unit{Code: vs[i].Code + "_M", Name: vs[i].Name, Synthetic: true}})
		}
	}
	groups := max(1, (len(s.communes)*38+53)/106)
	members := make([][]string, groups)
	for i, c := range s.communes {
		members[i%groups] = append(members[i%groups], c.Code)
	}
	for g, codes := range members {
		r := &kehoach.Reorg{Kind: kehoach.ReorgMerge, Date: date, Units: codes,
			New: &kehoach.Unit{Code: fmt.Sprintf("%s_X%02d", s.Root().Code, g+1), Name: fmt.Sprintf("Xã hợp nhất %02d", g+1), Synthetic: true}}
		if len(codes) == 1 {
			r.Kind, r.New = kehoach.ReorgRename, &kehoach.Unit{Code: r.New.Code, Name: r.New.Name}
		}
		out = append(out, r)
	}
	return out
}
