package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/debug"
	"sync"
	"testing"
	"time"

	"kehoach"
)

// bigAnswer is an analytics answer of n rows, with names that JSON must
// escape (quotes) and must not (&, <), and metadata.
func bigAnswer(n int) *kehoach.AnalyticsResponse {
	res := &kehoach.AnalyticsResponse{Headers: []kehoach.AnalyticsHeader{{Name: "dx", Column: "Dữ liệu"}, {Name: "value", Column: "Giá trị", ValueType: "NUMBER"}}}
	res.MetaData.Items = map[string]kehoach.AnalyticsItem{"X": {Name: `Tỷ lệ "hộ" & <thôn>`}}
	res.MetaData.Dimensions = map[string][]string{"dx": {"X"}, "ou": {"A", "B"}}
	odd := []string{`Bản "Nà" & <Tăm>`, "a\\b", "tab\there", "line\u2028sep", "\xff bad utf-8"}
	for i := range n {
		unit := fmt.Sprintf("P%06d", i)
		if i%100 == 0 {
			unit = odd[(i/100)%len(odd)] // cells JSON escapes, or must not
		}
		res.Rows = append(res.Rows, []string{"X", unit, "2024Q1", fmt.Sprint(i%97) + ".5"})
	}
	res.Height, res.Width = n, 4
	return res
}

// TestAnalyticsJSONStreamed: the streamed answer is byte for byte what
// writeJSON writes, for an empty, a nil-rows and a full answer.
func TestAnalyticsJSONStreamed(t *testing.T) {
	empty := bigAnswer(0)
	empty.Rows = [][]string{}
	for name, res := range map[string]*kehoach.AnalyticsResponse{"rows": bigAnswer(1000), "empty": empty, "nil rows": {}} {
		want, got := httptest.NewRecorder(), httptest.NewRecorder()
		writeJSON(want, 200, res)
		writeAnalyticsJSON(got, res)
		if !bytes.Equal(got.Body.Bytes(), want.Body.Bytes()) {
			t.Errorf("%s: streamed answer differs:\n%.300s\nwant\n%.300s", name, got.Body.String(), want.Body.String())
		}
		if got.Header().Get("Content-Type") != want.Header().Get("Content-Type") {
			t.Errorf("%s: content type %q", name, got.Header().Get("Content-Type"))
		}
	}
}

// discard is a ResponseWriter that keeps nothing.
type discard struct{ h map[string][]string }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(int)             {}

// BenchmarkAnalyticsJSON writes a 200,000-row answer (about 10 MB of
// JSON) whole (writeJSON) and streamed, three at once as three clients
// would ask, and prints the heap the writing took at its peak beside the
// time:
//
//	go test ./internal/web -run XXX -bench AnalyticsJSON
func BenchmarkAnalyticsJSON(b *testing.B) {
	res := bigAnswer(200_000)
	for _, v := range []struct {
		name  string
		write func(http.ResponseWriter, *kehoach.AnalyticsResponse)
	}{
		{"whole", func(w http.ResponseWriter, r *kehoach.AnalyticsResponse) { writeJSON(w, 200, r) }},
		{"streamed", writeAnalyticsJSON},
	} {
		b.Run(v.name, func(b *testing.B) {
			runtime.GC()
			debug.FreeOSMemory()
			var base, peak runtime.MemStats
			runtime.ReadMemStats(&base)
			done := make(chan struct{})
			sampled := make(chan uint64)
			go func() {
				top := uint64(0)
				for {
					select {
					case <-done:
						sampled <- top
						return
					case <-time.After(time.Millisecond):
						runtime.ReadMemStats(&peak)
						top = max(top, peak.HeapInuse)
					}
				}
			}()
			for b.Loop() {
				var wg sync.WaitGroup
				for range 3 {
					wg.Go(func() { v.write(&discard{h: http.Header{}}, res) })
				}
				wg.Wait()
			}
			close(done)
			top := <-sampled
			b.ReportMetric(float64(top-min(top, base.HeapInuse))/(1<<20), "peak-MiB")
		})
	}
}
