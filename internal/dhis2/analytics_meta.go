package dhis2

import (
	"strings"

	"kehoach"
	"kehoach/period"
)

// dimensionMeta names the three dimensions themselves in metaData.items,
// where DHIS2's clients look up a dimension's title.
var dimensionMeta = map[string]kehoach.AnalyticsItem{
	DimData:    {Name: "Dữ liệu", DimensionType: "DATA_X"},
	DimPeriod:  {Name: "Kỳ", DimensionType: "PERIOD"},
	DimOrgUnit: {Name: "Đơn vị", DimensionType: "ORGANISATION_UNIT"},
}

// keywordNames names the ou keywords in metaData.items, as DHIS2 names
// every item of the request, the keywords included.
var keywordNames = map[string]string{
	UserOrgUnit:              "Đơn vị của tài khoản",
	UserOrgUnitChildren:      "Đơn vị trực thuộc đơn vị của tài khoản",
	UserOrgUnitGrandchildren: "Đơn vị dưới hai cấp của đơn vị của tài khoản",
	OUChildren:               "Đơn vị trực thuộc",
}

// CompleteMeta completes an answer of the engine for p as DHIS2's clients
// read it: every dimension and every item of the request (relative
// periods, LEVEL-n and the other ou keywords included) has an entry with a
// name in metaData.items; skipMeta empties the metadata and skipData the
// rows, as @dhis2/analytics asks for the two apart.
func CompleteMeta(p *AnalyticsParams, res *kehoach.AnalyticsResponse) {
	if p.SkipData {
		res.Rows = [][]string{}
		res.Height = 0
	}
	if p.SkipMeta {
		res.MetaData.Items = map[string]kehoach.AnalyticsItem{}
		res.MetaData.Dimensions = map[string][]string{}
		res.MetaData.OUHierarchy = nil
		return
	}
	if res.MetaData.Items == nil {
		res.MetaData.Items = map[string]kehoach.AnalyticsItem{}
	}
	for _, d := range append(append([]kehoach.Dimension{}, p.Request.Dimensions...), p.Request.Filters...) {
		if it, ok := dimensionMeta[d.Name]; ok {
			res.MetaData.Items[d.Name] = it
		}
		for _, item := range d.Items {
			if _, named := res.MetaData.Items[item]; named {
				continue
			}
			switch {
			case d.Name == DimPeriod && period.IsRelative(item):
				res.MetaData.Items[item] = kehoach.AnalyticsItem{Name: item, Code: item}
			case d.Name == DimOrgUnit && keywordNames[item] != "":
				res.MetaData.Items[item] = kehoach.AnalyticsItem{Name: keywordNames[item], Code: item}
			case d.Name == DimOrgUnit && strings.HasPrefix(item, levelPrefix):
				res.MetaData.Items[item] = kehoach.AnalyticsItem{Name: "Cấp " + strings.TrimPrefix(item, levelPrefix), Code: item}
			case d.Name == DimOrgUnit && strings.HasPrefix(item, OUGroupPrefix):
				res.MetaData.Items[item] = kehoach.AnalyticsItem{Name: "Nhóm " + strings.TrimPrefix(item, OUGroupPrefix), Code: item}
			}
		}
	}
}

// AddHierarchy fills metaData.ouHierarchy: for each unit of the answer
// the codes of its ancestors from the root down to its parent, joined by
// "/" ("" for a root), as DHIS2 gives it with showHierarchy or
// hierarchyMeta; and names every ancestor in metaData.items, so that a
// client can write "Tỉnh / Huyện / Xã". unit looks a unit up by code.
func AddHierarchy(res *kehoach.AnalyticsResponse, unit func(code string) (*kehoach.Unit, bool)) {
	h := map[string]string{}
	for _, code := range res.MetaData.Dimensions[DimOrgUnit] {
		var path []string
		u, ok := unit(code)
		// The depth bound guards against a cycle in a broken tree.
		for depth := 0; ok && u.ParentCode != "" && depth < 100; depth++ {
			u, ok = unit(u.ParentCode)
			if !ok {
				break
			}
			path = append(path, u.Code)
			if _, named := res.MetaData.Items[u.Code]; !named {
				res.MetaData.Items[u.Code] = kehoach.AnalyticsItem{Name: u.Name, Code: u.Code, DimensionItemType: "ORGANISATION_UNIT"}
			}
		}
		for i, j := 0, len(path)-1; i < j; i, j = i+1, j-1 {
			path[i], path[j] = path[j], path[i]
		}
		h[code] = strings.Join(path, "/")
	}
	res.MetaData.OUHierarchy = h
}

// AnalyticsDataValue is one value of /api/analytics/dataValueSet.
type AnalyticsDataValue struct {
	DataElement string `json:"dataElement"`
	Period      string `json:"period"`
	OrgUnit     string `json:"orgUnit"`
	Value       string `json:"value"`
}

// AnalyticsDataValueSet is DHIS2's answer of /api/analytics/dataValueSet.
type AnalyticsDataValueSet struct {
	DataValues []AnalyticsDataValue `json:"dataValues"`
}

// DataValueSetOf writes an analytics answer as data values. dx, pe and ou
// must be dimensions of the answer (a filter has no column to read a
// value's period or unit from): EINVALID otherwise, as DHIS2 refuses it.
func DataValueSetOf(res *kehoach.AnalyticsResponse) (*AnalyticsDataValueSet, error) {
	col := map[string]int{}
	for i, hd := range res.Headers {
		col[hd.Name] = i
	}
	for _, n := range []string{DimData, DimPeriod, DimOrgUnit} {
		if _, ok := col[n]; !ok {
			return nil, invalid("dimension", "dataValueSet cần dx, pe và ou đều là dimension (thiếu dimension=%s:…; bộ lọc filter không có cột)", n)
		}
	}
	set := &AnalyticsDataValueSet{DataValues: make([]AnalyticsDataValue, 0, len(res.Rows))}
	for _, row := range res.Rows {
		set.DataValues = append(set.DataValues, AnalyticsDataValue{
			DataElement: row[col[DimData]], Period: row[col[DimPeriod]], OrgUnit: row[col[DimOrgUnit]], Value: row[col["value"]]})
	}
	return set, nil
}
