// Package gen builds deterministic synthetic datasets for benchmarks and load
// tests: a unit tree in the shape of post-2025 Vietnam (provinces, communes,
// villages), 30 data elements reported quarterly through four forms, the
// indicators and a plan with 14 targets over them, and a stream of figures
// that satisfy every element's value type and every form's rules.
//
// The metadata is a kehoach.Bundle of modest size (about 103,000 units at
// the national scale); the figures (tens of millions at that scale) are never
// held in memory: Spec.Values generates them on the fly. Every figure is
// drawn from a generator seeded by the seed, the unit and the element, so a
// figure does not depend on the order anything is generated in.
package gen

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strings"

	"kehoach"
)

// Scales, smallest first.
const (
	ScaleDistrict = "district"
	ScaleProvince = "province"
	ScaleNational = "national"
)

// Scales lists the scales Build accepts.
var Scales = []string{ScaleDistrict, ScaleProvince, ScaleNational}

// KindCountry is the kind of the national root unit. The domain names no such
// kind; a kind is just a string.
const KindCountry = "country"

// Shape is the size of a scale: how many units of each level.
type Shape struct {
	Provinces int // 0: the root itself is the only province or district
	Communes  int
	Villages  int
}

// shapes are the sizes of each scale. The totals are exact for every seed;
// the seed only changes how they are spread over the parents.
var shapes = map[string]Shape{
	ScaleDistrict: {Communes: 13, Villages: 150},
	ScaleProvince: {Communes: 100, Villages: 3000},
	// 34 provinces and 3,321 communes and wards since 1 July 2025.
	ScaleNational: {Provinces: 34, Communes: 3321, Villages: 100000},
}

// FirstYear and LastYear bound the quarters figures are generated for by
// default (the plan's horizon); BuildYears generates more years of history
// before LastYear.
const (
	FirstYear = 2021
	LastYear  = 2025
)

// Spec is a synthetic dataset: its metadata as a bundle and its figures as a
// generator.
type Spec struct {
	Scale string
	Seed  uint64
	Shape Shape
	// Bundle holds units (parents before children, depth first), data
	// elements, forms, indicators and the plan "GEN-<scale>". Its Values are
	// empty: see Values.
	Bundle *kehoach.Bundle
	// Periods are the quarters figures are generated for, oldest first.
	Periods []string

	communes, villages []*kehoach.Unit
	// dev is each commune's development offset, shared by its villages,
	// so that some communes lag and others lead.
	dev map[string]float64
}

// Build returns the dataset of a scale ("district", "province" or
// "national") for a seed. The same scale and seed always give the same
// units, metadata and figures.
func Build(scale string, seed uint64) (*Spec, error) {
	return BuildYears(scale, seed, LastYear-FirstYear+1)
}

// BuildYears is Build with the quarters of years years up to LastYear (ten
// years: 40 quarters, 2016–2025, for measuring memory with twice the
// history). The plan and its targets are the same.
func BuildYears(scale string, seed uint64, years int) (*Spec, error) {
	if years < 1 || years > 50 {
		return nil, kehoach.Errorf(kehoach.EINVALID, "số năm %d không hợp lệ: từ 1 đến 50", years)
	}
	shape, ok := shapes[scale]
	if !ok {
		return nil, kehoach.Errorf(kehoach.EINVALID, "quy mô %q không hợp lệ: chỉ chấp nhận %s", scale, strings.Join(Scales, ", "))
	}
	s := &Spec{Scale: scale, Seed: seed, Shape: shape, Bundle: &kehoach.Bundle{}, dev: map[string]float64{}}
	for y := LastYear - years + 1; y <= LastYear; y++ {
		for q := 1; q <= 4; q++ {
			s.Periods = append(s.Periods, fmt.Sprintf("%dQ%d", y, q))
		}
	}
	s.units()
	s.Bundle.Elements = elements()
	s.Bundle.Forms = forms()
	s.Bundle.Indicators = indicators()
	s.Bundle.Plans = []*kehoach.Plan{s.plan()}
	return s, nil
}

// Count returns the number of figures Values yields: every village reports
// its 27 elements and every commune its 3, each quarter.
func (s *Spec) Count() int64 {
	return int64(len(s.Periods)) * (int64(len(s.villages))*int64(villageElements) + int64(len(s.communes))*int64(communeElements))
}

// Communes returns the commune-level units.
func (s *Spec) Communes() []*kehoach.Unit { return s.communes }

// Villages returns the village-level units.
func (s *Spec) Villages() []*kehoach.Unit { return s.villages }

// Root returns the root unit (the plan's scope).
func (s *Spec) Root() *kehoach.Unit { return s.Bundle.Units[0] }

// rng returns a generator determined by the seed and the keys only.
func (s *Spec) rng(keys ...string) *rand.Rand {
	return rand.New(rand.NewPCG(s.Seed, hashKeys(keys...)))
}

func hashKeys(keys ...string) uint64 {
	h := fnv.New64a()
	for _, k := range keys {
		h.Write([]byte(k))
		h.Write([]byte{0})
	}
	return h.Sum64()
}

// units builds the tree depth first: root, then each province followed by
// its communes, each commune followed by its villages. Loading them in this
// order gives a commune's villages consecutive ids.
func (s *Spec) units() {
	var root *kehoach.Unit
	var parents []*kehoach.Unit // the units communes hang under
	switch s.Scale {
	case ScaleNational:
		root = &kehoach.Unit{Code: "VN", Name: "Cả nước (tổng hợp)", Kind: KindCountry, Level: 1, Synthetic: true}
		for i := 1; i <= s.Shape.Provinces; i++ {
			parents = append(parents, &kehoach.Unit{Code: fmt.Sprintf("P%02d", i), Name: fmt.Sprintf("Tỉnh %02d (tổng hợp)", i),
				Kind: kehoach.KindProvince, Subkind: "tỉnh", Level: 2, ParentCode: "VN", Synthetic: true})
		}
	case ScaleProvince:
		root = &kehoach.Unit{Code: "P01", Name: "Tỉnh 01 (tổng hợp)", Kind: kehoach.KindProvince, Subkind: "tỉnh", Level: 1, Synthetic: true}
		parents = []*kehoach.Unit{root}
	default:
		root = &kehoach.Unit{Code: "D01", Name: "Huyện 01 (tổng hợp)", Kind: kehoach.KindDistrict, Subkind: "huyện", Level: 1, Synthetic: true}
		parents = []*kehoach.Unit{root}
	}
	units := []*kehoach.Unit{root}
	perParent := apportion(s.rng("communes", root.Code), s.Shape.Communes, len(parents))
	// Villages are spread over all communes at once, so the total is exact.
	var communes []*kehoach.Unit
	for pi, p := range parents {
		r := s.rng("communes", p.Code)
		for i := 1; i <= perParent[pi]; i++ {
			c := &kehoach.Unit{Code: fmt.Sprintf("%sC%03d", p.Code, i), Kind: kehoach.KindCommune, Level: p.Level + 1, ParentCode: p.Code, Synthetic: true}
			switch x := r.Float64(); {
			case x < 0.18:
				c.Subkind, c.Name = "phường", fmt.Sprintf("Phường %03d", i)
			case x < 0.19:
				c.Subkind, c.Name = "đặc khu", fmt.Sprintf("Đặc khu %03d", i)
			default:
				c.Subkind, c.Name = "xã", fmt.Sprintf("Xã %03d", i)
			}
			communes = append(communes, c)
			s.dev[c.Code] = (r.Float64() - 0.5) * 0.3
		}
	}
	perCommune := apportion(s.rng("villages", root.Code), s.Shape.Villages, len(communes))
	ci := 0
	for _, p := range parents {
		if p != root {
			units = append(units, p)
		}
		for ; ci < len(communes) && communes[ci].ParentCode == p.Code; ci++ {
			c := communes[ci]
			units = append(units, c)
			s.communes = append(s.communes, c)
			word := "Thôn"
			switch {
			case c.Subkind == "phường":
				word = "Tổ dân phố"
			case hashKeys(c.Code)%3 == 0:
				word = "Bản"
			}
			for i := 1; i <= perCommune[ci]; i++ {
				v := &kehoach.Unit{Code: fmt.Sprintf("%sV%02d", c.Code, i), Name: fmt.Sprintf("%s %02d", word, i),
					Kind: kehoach.KindVillage, Subkind: strings.ToLower(word), Level: c.Level + 1, ParentCode: c.Code, Synthetic: true}
				units = append(units, v)
				s.villages = append(s.villages, v)
			}
		}
	}
	s.Bundle.Units = units
}

// apportion splits total over n parts of varied sizes (weights 0.5–1.5,
// largest remainder), each at least 1, summing exactly to total.
func apportion(r *rand.Rand, total, n int) []int {
	if n == 0 {
		return nil
	}
	w := make([]float64, n)
	sum := 0.0
	for i := range w {
		w[i] = 0.5 + r.Float64()
		sum += w[i]
	}
	out := make([]int, n)
	frac := make([]float64, n)
	given := 0
	for i := range w {
		x := float64(total) * w[i] / sum
		out[i] = int(x)
		frac[i] = x - float64(out[i])
		given += out[i]
	}
	for given < total {
		best := 0
		for i := range frac {
			if frac[i] > frac[best] {
				best = i
			}
		}
		out[best]++
		frac[best] = -1
		given++
	}
	// Every commune has a village, every province a commune.
	for i := range out {
		for out[i] < 1 {
			big := 0
			for j := range out {
				if out[j] > out[big] {
					big = j
				}
			}
			out[big]--
			out[i]++
		}
	}
	return out
}
