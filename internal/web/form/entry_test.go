package form_test

import (
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"kehoach"
	"kehoach/internal/web/form"
)

func post(target string, body string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, target, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return r
}

func TestDecodeEntry(t *testing.T) {
	tests := []struct {
		Name       string
		Target     string
		Body       url.Values
		Want       *form.Entry
		WantCode   string
		WantFields []string
	}{
		{
			Name: "cells keyed by unit then element",
			Body: url.Values{"unit": {"XA_BANBO"}, "form": {"BM_BAN"}, "period": {"2024Q4"},
				"v.XA_BANBO_B01.BAN_LOA": {"true"}, "v.XA_BANBO_B01.BAN_NVH": {""}, "v.XA_BANBO_B02.BAN_LOA": {"false"}},
			Want: &form.Entry{Unit: "XA_BANBO", Form: "BM_BAN", Period: "2024Q4", Values: map[string]map[string]string{
				"XA_BANBO_B01": {"BAN_LOA": "true", "BAN_NVH": ""},
				"XA_BANBO_B02": {"BAN_LOA": "false"},
			}},
		},
		{
			// "Bàn" with a combining grave accent (NFD), as some keyboards
			// send it, and surrounding space.
			Name: "text trimmed and put in NFC",
			Body: url.Values{"unit": {" XA_BANBO "}, "form": {"BM_X"}, "period": {"2024\n"}, "v.XA_BANBO.NOTE": {" Ba\u0300n "}},
			Want: &form.Entry{Unit: "XA_BANBO", Form: "BM_X", Period: "2024", Values: map[string]map[string]string{
				"XA_BANBO": {"NOTE": "Bàn"},
			}},
		},
		{
			Name: "fields that are not cells are ignored",
			Body: url.Values{"unit": {"U"}, "form": {"F"}, "period": {"2024"},
				"v.": {"1"}, "v.U": {"1"}, "v..E": {"1"}, "v.U.": {"1"}, "x.U.E": {"1"}, "csrf": {"z"}},
			Want: &form.Entry{Unit: "U", Form: "F", Period: "2024", Values: map[string]map[string]string{}},
		},
		{
			Name: "element codes may hold dots",
			Body: url.Values{"unit": {"U"}, "form": {"F"}, "period": {"2024"}, "v.U.E.COC": {"3"}},
			Want: &form.Entry{Unit: "U", Form: "F", Period: "2024", Values: map[string]map[string]string{"U": {"E.COC": "3"}}},
		},
		{
			Name:   "the query string does not count",
			Target: "/entry?unit=EVIL&v.EVIL.E=1",
			Body:   url.Values{"unit": {"U"}, "form": {"F"}, "period": {"2024"}},
			Want:   &form.Entry{Unit: "U", Form: "F", Period: "2024", Values: map[string]map[string]string{}},
		},
		{
			Name:       "no unit",
			Body:       url.Values{"form": {"F"}, "period": {"2024"}, "v.U.E": {"1"}},
			Want:       &form.Entry{Form: "F", Period: "2024", Values: map[string]map[string]string{"U": {"E": "1"}}},
			WantCode:   kehoach.EINVALID,
			WantFields: []string{"unit"},
		},
		{
			Name:       "no form",
			Body:       url.Values{"unit": {"U"}, "period": {"2024"}},
			Want:       &form.Entry{Unit: "U", Period: "2024", Values: map[string]map[string]string{}},
			WantCode:   kehoach.EINVALID,
			WantFields: []string{"form"},
		},
		{
			Name:       "no period",
			Body:       url.Values{"unit": {"U"}, "form": {"F"}, "period": {"  "}},
			Want:       &form.Entry{Unit: "U", Form: "F", Values: map[string]map[string]string{}},
			WantCode:   kehoach.EINVALID,
			WantFields: []string{"period"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.Name, func(t *testing.T) {
			target := tc.Target
			if target == "" {
				target = "/entry"
			}
			got, err := form.DecodeEntry(post(target, tc.Body.Encode()))
			if code := kehoach.ErrorCode(err); code != tc.WantCode {
				t.Fatalf("error %v (code %q), want code %q", err, code, tc.WantCode)
			}
			for _, f := range tc.WantFields {
				if kehoach.ErrorFields(err)[f] == "" {
					t.Errorf("no message for field %q: %v", f, err)
				}
			}
			if got == nil {
				t.Fatal("no entry returned")
			}
			if got.Unit != tc.Want.Unit || got.Form != tc.Want.Form || got.Period != tc.Want.Period {
				t.Errorf("got unit %q form %q period %q, want %q %q %q", got.Unit, got.Form, got.Period, tc.Want.Unit, tc.Want.Form, tc.Want.Period)
			}
			if !maps.EqualFunc(got.Values, tc.Want.Values, maps.Equal) {
				t.Errorf("values %v, want %v", got.Values, tc.Want.Values)
			}
		})
	}
}

func TestDecodeEntryLimits(t *testing.T) {
	t.Run("too many cells", func(t *testing.T) {
		var b strings.Builder
		b.WriteString("unit=U&form=F&period=2024")
		for i := range 5001 {
			fmt.Fprintf(&b, "&v.U%d.E=1", i)
		}
		got, err := form.DecodeEntry(post("/entry", b.String()))
		if kehoach.ErrorCode(err) != kehoach.EINVALID || got != nil {
			t.Fatalf("got %v, %v; want EINVALID and no entry", got != nil, err)
		}
		if !strings.Contains(kehoach.ErrorMessage(err), "5000") {
			t.Errorf("message %q does not give the limit", kehoach.ErrorMessage(err))
		}
	})
	t.Run("body too large", func(t *testing.T) {
		body := "unit=U&form=F&period=2024&v.U.E=" + strings.Repeat("9", 3<<20)
		got, err := form.DecodeEntry(post("/entry", body))
		if kehoach.ErrorCode(err) != kehoach.EINVALID || got != nil {
			t.Fatalf("got %v, %v; want EINVALID and no entry", got != nil, err)
		}
	})
}
