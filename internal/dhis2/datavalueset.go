package dhis2

import (
	"io"

	"kehoach"
)

// DataValueSet is DHIS2's dataValueSets envelope: the figures, and the
// data set (a form code), period and unit they share when they share one.
// A value that leaves out its period or unit takes the envelope's.
type DataValueSet struct {
	DataSet      string               `json:"dataSet,omitempty"`
	CompleteDate string               `json:"completeDate,omitempty"`
	Period       string               `json:"period,omitempty"`
	OrgUnit      string               `json:"orgUnit,omitempty"`
	DataValues   []*kehoach.DataValue `json:"dataValues"`
}

// Limits of a dataValueSets document read by DecodeDataValueSet and
// ScanDataValueSet. A province's year of every form is about 200,000
// figures and 30 MB; a file of MaxDataValues figures is about 80 MB of
// JSON (issue 13's benchmark). The limits leave room while keeping one
// upload from holding the server.
const (
	// MaxDataValueSetBytes is the most bytes a document may have.
	MaxDataValueSetBytes = 128 << 20
	// MaxDataValues is the most figures a document may hold.
	MaxDataValues = 1_000_000
	// MaxFieldLength is the most bytes of one text field (a value, a
	// comment, a code).
	MaxFieldLength = 50_000
)

// maxDataValues is MaxDataValues, lowered by a test that reads an endless
// document (a million figures take half a minute under the race detector).
var maxDataValues = MaxDataValues

// NewDataValueSet returns the envelope of values as GET /api/dataValueSets
// answers it: dataSet when one was asked, orgUnit and period when the
// question named exactly one.
func NewDataValueSet(dataSet string, units, periods []string, values []*kehoach.DataValue) *DataValueSet {
	s := &DataValueSet{DataSet: dataSet, DataValues: values}
	if s.DataValues == nil {
		s.DataValues = []*kehoach.DataValue{}
	}
	if len(units) == 1 {
		s.OrgUnit = units[0]
	}
	if len(periods) == 1 {
		s.Period = periods[0]
	}
	return s
}

// Encode writes s as JSON, one figure at a time (see NewEncoder).
func (s *DataValueSet) Encode(w io.Writer) error {
	e, err := NewEncoder(FormatJSON, w, s)
	if err != nil {
		return err
	}
	for _, v := range s.DataValues {
		if err := e.Encode(v); err != nil {
			return err
		}
	}
	return e.Close()
}

// checkField refuses a text field longer than MaxFieldLength.
func checkField(name, s string) error {
	if len(s) > MaxFieldLength {
		return invalid(name, "%s dài %s byte, tối đa %s", name, count(len(s)), count(MaxFieldLength))
	}
	return nil
}

// limitReader reads at most n bytes and remembers if there were more.
type limitReader struct {
	r    io.Reader
	n    int64
	over bool
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		// One byte more tells a document of exactly n bytes from a longer one.
		var b [1]byte
		if k, _ := l.r.Read(b[:]); k > 0 {
			l.over = true
		}
		return 0, io.EOF
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	k, err := l.r.Read(p)
	l.n -= int64(k)
	return k, err
}
