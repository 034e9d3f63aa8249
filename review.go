package kehoach

import (
	"context"
	"sort"
	"strings"
)

// Review kinds: sơ kết (a preliminary, mid-term review) and tổng kết (the
// final review of the plan).
const (
	ReviewPreliminary = "preliminary"
	ReviewFinal       = "final"
)

// Review is a dated event of a plan that collects each body's
// self-assessment against its tasks, and the commendations decided on it.
type Review struct {
	ID            int64           `json:"id"`
	PlanID        int64           `json:"planId"`
	Kind          string          `json:"kind"`
	Title         string          `json:"title"`
	HeldOn        Date            `json:"heldOn"`
	Assessments   []*Assessment   `json:"assessments,omitempty"`
	Commendations []*Commendation `json:"commendations,omitempty"`
}

// Assessment is one body's self-assessment at a review: what it says, the
// score it gives itself (0–100), and, computed, the four-state count of
// its tasks as of the review and the targets those tasks serve.
type Assessment struct {
	Unit      string    `json:"unit"`
	UnitName  string    `json:"unitName"`
	Text      string    `json:"text"`
	SelfScore int       `json:"selfScore"`
	By        string    `json:"by"`
	Count     TaskCount `json:"count"`
	Targets   []string  `json:"targets,omitempty"`
}

// Commendation levels (hình thức khen thưởng), from the lowest.
const (
	CommendDistrict = "district" // Giấy khen của Chủ tịch UBND cấp huyện/xã
	CommendProvince = "province" // Bằng khen của Chủ tịch UBND tỉnh
	CommendNational = "national" // Bằng khen của Thủ tướng Chính phủ
)

// CommendLevels lists the levels.
var CommendLevels = []string{CommendDistrict, CommendProvince, CommendNational}

// Commendation is a khen thưởng: who (a unit, or a person of a unit), for
// what, at which level, by which decision, linked to the review.
type Commendation struct {
	ID          int64  `json:"id"`
	ReviewID    int64  `json:"reviewId"`
	Unit        string `json:"unit,omitempty"`
	UnitName    string `json:"unitName,omitempty"`
	Person      string `json:"person,omitempty"`
	Achievement string `json:"achievement"`
	Level       string `json:"level"`
	Decision    string `json:"decision"` // "Quyết định số 123/QĐ-UBND"
	DecidedOn   Date   `json:"decidedOn"`
}

// Emulation criterion kinds: each gives a unit a score from 0 to 100.
const (
	// CriterionOnTime: share of the unit's task occurrences done on time.
	CriterionOnTime = "tasks_on_time"
	// CriterionDone: share done, on time or late.
	CriterionDone = "tasks_done"
	// CriterionNotOverdue: 100 minus the share overdue.
	CriterionNotOverdue = "tasks_not_overdue"
	// CriterionSelf: the self-score of the unit's latest assessment.
	CriterionSelf = "self_score"
	// CriterionIndicator ("indicator:CODE"): the unit's value of an
	// indicator of the plan in the year, capped to 0–100.
	CriterionIndicator = "indicator:"
)

// Criterion is one column of the emulation table (bảng thi đua).
type Criterion struct {
	Name   string  `json:"name"`
	Kind   string  `json:"kind"`
	Weight float64 `json:"weight"`
}

// ValidCriterion reports whether kind is a known criterion kind.
func ValidCriterion(kind string) bool {
	switch kind {
	case CriterionOnTime, CriterionDone, CriterionNotOverdue, CriterionSelf:
		return true
	}
	return strings.HasPrefix(kind, CriterionIndicator) && len(kind) > len(CriterionIndicator)
}

// EmulationRow is one unit's place in the emulation table: its score on
// each criterion (in the criteria's order; nil when there is nothing to
// score it on) and the weighted total over the criteria it has a score on,
// so that a rank can be explained.
type EmulationRow struct {
	Rank   int        `json:"rank"`
	Unit   string     `json:"unit"`
	Name   string     `json:"name"`
	Scores []*float64 `json:"scores"`
	Total  float64    `json:"total"`
}

// TaskScores returns a unit's scores on the task criteria from its count.
func TaskScores(c TaskCount) map[string]float64 {
	if c.Total == 0 {
		return nil
	}
	n := float64(c.Total)
	return map[string]float64{
		CriterionOnTime:     100 * float64(c.DoneOnTime) / n,
		CriterionDone:       100 * float64(c.DoneOnTime+c.DoneLate) / n,
		CriterionNotOverdue: 100 - 100*float64(c.Overdue)/n,
	}
}

// RankUnits ranks units by the weighted mean of their scores: scores[unit]
// maps a criterion kind to the unit's score. Ties share a rank and are
// ordered by name as given in names (already in Vietnamese order).
func RankUnits(units []string, names map[string]string, scores map[string]map[string]float64, criteria []Criterion) []*EmulationRow {
	rows := make([]*EmulationRow, 0, len(units))
	for _, u := range units {
		row := &EmulationRow{Unit: u, Name: names[u], Scores: make([]*float64, len(criteria))}
		var sum, weight float64
		for i, c := range criteria {
			if v, ok := scores[u][c.Kind]; ok {
				v := min(max(v, 0), 100)
				row.Scores[i] = &v
				sum += v * c.Weight
				weight += c.Weight
			}
		}
		if weight > 0 {
			row.Total = sum / weight
		}
		rows = append(rows, row)
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Total > rows[j].Total })
	for i, r := range rows {
		r.Rank = i + 1
		if i > 0 && r.Total == rows[i-1].Total {
			r.Rank = rows[i-1].Rank
		}
	}
	return rows
}

// ReviewInput is a new review.
type ReviewInput struct {
	PlanID int64
	Kind   string
	Title  string
	HeldOn Date
}

// ReviewService keeps a plan's reviews, the bodies' self-assessments,
// commendations and the emulation criteria. Creating reviews,
// commendations and criteria needs the planner's right in ctx
// (IsPlanner; EFORBIDDEN otherwise); an assessment is saved only for a
// unit in the Actor's Entry scope. Every change is audited.
type ReviewService interface {
	// FindReviews lists a plan's reviews, oldest first, without details.
	FindReviews(ctx context.Context, planID int64) ([]*Review, error)
	// FindReview returns a review with its assessments (each with the
	// body's four-state count as of the review) and commendations.
	// ENOTFOUND when there is none.
	FindReview(ctx context.Context, id int64) (*Review, error)
	// CreateReview adds a review. EINVALID with Fields for a bad kind,
	// title or date (a date outside the plan's horizon).
	CreateReview(ctx context.Context, in ReviewInput) (*Review, error)
	// SaveAssessment stores (or replaces) a body's self-assessment.
	// EINVALID for empty text or a score outside 0–100.
	SaveAssessment(ctx context.Context, reviewID int64, a Assessment) error
	// AddCommendation records a commendation on a review. EINVALID with
	// Fields for a missing achievement, level, decision or date, or an
	// unknown unit.
	AddCommendation(ctx context.Context, c Commendation) (*Commendation, error)
	// FindCriteria returns a plan's emulation criteria in order.
	FindCriteria(ctx context.Context, planID int64) ([]Criterion, error)
	// SaveCriteria replaces a plan's emulation criteria. EINVALID for an
	// unknown kind, an empty name or a weight not above 0.
	SaveCriteria(ctx context.Context, planID int64, cs []Criterion) error
}
