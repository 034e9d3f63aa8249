package planread_test

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"

	"kehoach/internal/planread"
)

func TestDump(t *testing.T) {
	f := os.Getenv("DUMP")
	if f == "" {
		t.Skip()
	}
	b, _ := os.ReadFile(f)
	d, err := planread.Read(f, b, catalogue(t))
	if err != nil {
		t.Fatal(err)
	}
	h, _ := json.MarshalIndent(d.Header, "", " ")
	fmt.Println(string(h))
	for _, x := range d.Basis {
		fmt.Println("BASIS", x.Text)
	}
	for i, x := range d.Targets {
		fmt.Printf("T%d %v %s %s subj=%q dl=%s reg=%q par=%d ind=%s(%.2f) scope=%v\n   %s\n   src=%q\n", i, x.Value, x.Unit, x.Comparison, x.Subject, x.Deadline, x.Region, x.Parent, x.Indicator, x.Match, x.Scope, x.Statement, x.Source.Text)
		if x.Proposed != nil {
			fmt.Printf("   PROP %+v\n", *x.Proposed)
		}
	}
	for _, x := range d.Tasks {
		fmt.Printf("TASK %s lead=%s %.60s\n", x.Section, x.Lead, x.Text)
	}
	for _, x := range d.Duties {
		fmt.Printf("DUTY %s %q req=%v group=%s units=%v n=%d\n", x.Label, x.Body, x.Request, x.Group, x.Units, len(x.Duties))
	}
	for _, x := range d.UnitLists {
		fmt.Printf("LIST %s %v target=%d\n", x.Kind, x.Units, x.Target)
	}
	fmt.Println(d.Warnings)
}
