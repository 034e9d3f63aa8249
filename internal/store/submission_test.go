package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"kehoach"
)

// actorCtx is a context acting as username from address.
func actorCtx(username, address string) context.Context {
	return kehoach.NewContextWithActor(context.Background(), kehoach.Actor{Username: username, Address: address, Entry: kehoach.AllUnits, View: kehoach.AllUnits})
}

// subChange asks for a change of the grid (form, unit, pe).
func subChange(form, unit, pe, expected, reason string) kehoach.SubmissionChange {
	return kehoach.SubmissionChange{Form: form, Unit: unit, Period: pe, Expected: expected, Reason: reason}
}

// act applies action to a grid through the service.
func act(ctx context.Context, db *DB, action string, c kehoach.SubmissionChange) (*kehoach.Submission, error) {
	switch action {
	case kehoach.ActionSubmitFigures:
		return db.Submit(ctx, c)
	case kehoach.ActionApproveFigures:
		return db.Approve(ctx, c)
	case kehoach.ActionReturnFigures:
		return db.Return(ctx, c)
	case kehoach.ActionUnlockFigures:
		return db.Unlock(ctx, c)
	}
	panic("unknown action " + action)
}

// actorFor is who performs action in the tests: "thu" submits and "duyet"
// decides, so that approvals are never by the submitter.
func actorFor(action string) string {
	if action == kehoach.ActionSubmitFigures {
		return "thu"
	}
	return "duyet"
}

// mustAct applies action and fails the test on an error.
func mustAct(t testing.TB, db *DB, action string, c kehoach.SubmissionChange) *kehoach.Submission {
	t.Helper()
	s, err := act(actorCtx(actorFor(action), "10.1.2.3"), db, action, c)
	if err != nil {
		t.Fatalf("%s %+v: %v (fields %v)", action, c, err, kehoach.ErrorFields(err))
	}
	return s
}

// statusOf returns a grid's status.
func statusOf(t testing.TB, db *DB, form, unit, pe string) string {
	t.Helper()
	s, err := db.FindSubmission(context.Background(), form, unit, pe)
	if err != nil {
		t.Fatalf("FindSubmission(%s, %s, %s): %v", form, unit, pe, err)
	}
	return s.Status
}

// reach brings the grid BM_BAN/XA_A/pe to status with saved figures.
func reach(t testing.TB, db *DB, pe, status string) {
	t.Helper()
	save(t, db, "BM_BAN", pe, vals{"B1": {"BAN_LOA": "true"}})
	c := subChange("BM_BAN", "XA_A", pe, "", "cần sửa")
	switch status {
	case kehoach.SubmissionDraft:
	case kehoach.SubmissionSubmitted:
		mustAct(t, db, kehoach.ActionSubmitFigures, c)
	case kehoach.SubmissionApproved:
		mustAct(t, db, kehoach.ActionSubmitFigures, c)
		mustAct(t, db, kehoach.ActionApproveFigures, c)
	case kehoach.SubmissionReturned:
		mustAct(t, db, kehoach.ActionSubmitFigures, c)
		mustAct(t, db, kehoach.ActionReturnFigures, c)
	}
	if got := statusOf(t, db, "BM_BAN", "XA_A", pe); got != status {
		t.Fatalf("reach %s: status %s", status, got)
	}
}

// Every action from every status: the allowed ones move to their status,
// the others are refused with EINVALID and change nothing; a stale
// expected status is ECONFLICT.
func TestSubmissionStateMachine(t *testing.T) {
	t.Parallel()
	statuses := []string{kehoach.SubmissionDraft, kehoach.SubmissionSubmitted, kehoach.SubmissionApproved, kehoach.SubmissionReturned}
	actions := []string{kehoach.ActionSubmitFigures, kehoach.ActionApproveFigures, kehoach.ActionReturnFigures, kehoach.ActionUnlockFigures}
	// allowed[action][from] = to; missing: refused.
	allowed := map[string]map[string]string{
		kehoach.ActionSubmitFigures:  {kehoach.SubmissionDraft: kehoach.SubmissionSubmitted, kehoach.SubmissionReturned: kehoach.SubmissionSubmitted},
		kehoach.ActionApproveFigures: {kehoach.SubmissionSubmitted: kehoach.SubmissionApproved},
		kehoach.ActionReturnFigures:  {kehoach.SubmissionSubmitted: kehoach.SubmissionReturned},
		kehoach.ActionUnlockFigures:  {kehoach.SubmissionApproved: kehoach.SubmissionDraft},
	}
	for _, db := range openDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			loadSmall(t, db.db)
			n := 0
			for _, action := range actions {
				for _, from := range statuses {
					// A grid of its own per case: quarters from 2021Q1 on.
					pe := fmt.Sprintf("%dQ%d", 2021+n/4, n%4+1)
					n++
					t.Run(action+" from "+from, func(t *testing.T) {
						reach(t, db.db, pe, from)
						before := countRows(t, db.db, "submission_events")
						c := subChange("BM_BAN", "XA_A", pe, from, "lý do thử")
						s, err := act(actorCtx(actorFor(action), "10.1.2.3"), db.db, action, c)
						to, ok := allowed[action][from]
						if !ok {
							wantCode(t, err, kehoach.EINVALID)
							if got := statusOf(t, db.db, "BM_BAN", "XA_A", pe); got != from {
								t.Errorf("refused %s changed the status to %s", action, got)
							}
							if after := countRows(t, db.db, "submission_events"); after != before {
								t.Errorf("refused %s recorded an event", action)
							}
							return
						}
						if err != nil {
							t.Fatalf("%s from %s: %v", action, from, err)
						}
						if s.Status != to || statusOf(t, db.db, "BM_BAN", "XA_A", pe) != to {
							t.Errorf("%s from %s: status %s, want %s", action, from, s.Status, to)
						}
						if after := countRows(t, db.db, "submission_events"); after != before+1 {
							t.Errorf("%s recorded %d events, want 1", action, after-before)
						}
						// The same request again expects a status that is no
						// longer there: someone acted meanwhile.
						_, err = act(actorCtx(actorFor(action), ""), db.db, action, c)
						wantCode(t, err, kehoach.ECONFLICT)
						if got := statusOf(t, db.db, "BM_BAN", "XA_A", pe); got != to {
							t.Errorf("conflicting %s changed the status to %s", action, got)
						}
					})
				}
			}
		})
	}
}

func TestSubmissionRefusals(t *testing.T) {
	t.Parallel()
	ctx := actorCtx("thu", "")
	for _, db := range openDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			loadSmall(t, db.db)
			save(t, db.db, "BM_BAN", "2024Q4", vals{"B1": {"BAN_LOA": "true"}})
			save(t, db.db, "BM_CANBO", "2024", vals{"CQ": {"CC_TONG": "12"}})
			for _, tc := range []struct {
				name   string
				action string
				c      kehoach.SubmissionChange
				code   string
				field  string
				msg    string
			}{
				{"unknown form", kehoach.ActionSubmitFigures, subChange("BM_NONE", "XA_A", "2024Q4", "", ""), kehoach.ENOTFOUND, "", ""},
				{"unknown unit", kehoach.ActionSubmitFigures, subChange("BM_BAN", "XA_NONE", "2024Q4", "", ""), kehoach.ENOTFOUND, "", ""},
				{"bad period", kehoach.ActionSubmitFigures, subChange("BM_BAN", "XA_A", "2024Q5", "", ""), kehoach.EINVALID, "period", ""},
				{"period of another type", kehoach.ActionSubmitFigures, subChange("BM_BAN", "XA_A", "2024", "", ""), kehoach.EINVALID, "period", "không khớp"},
				{"a village has no grid", kehoach.ActionSubmitFigures, subChange("BM_BAN", "B1", "2024Q4", "", ""), kehoach.EINVALID, "", "không phải đơn vị báo cáo"},
				{"a commune does not report agencies' form", kehoach.ActionSubmitFigures, subChange("BM_COQUAN", "XA_A", "2024", "", ""), kehoach.EINVALID, "", "không phải đơn vị báo cáo"},
				{"the district reports no cadre figures of its own", kehoach.ActionSubmitFigures, subChange("BM_CANBO", "H", "2024", "", ""), kehoach.EINVALID, "", "không phải đơn vị báo cáo"},
				{"unit not valid in the period", kehoach.ActionSubmitFigures, subChange("BM_BAN", "XA_OLD", "2025Q4", "", ""), kehoach.EINVALID, "", "không phải đơn vị báo cáo"},
				{"nothing saved", kehoach.ActionSubmitFigures, subChange("BM_BAN", "XA_A", "2024Q3", "", ""), kehoach.EINVALID, "", "Chưa có số liệu"},
				{"nothing saved for this commune", kehoach.ActionSubmitFigures, subChange("BM_BAN", "XA_OLD", "2024Q4", "", ""), kehoach.EINVALID, "", "Chưa có số liệu"},
				{"return without reason", kehoach.ActionReturnFigures, subChange("BM_BAN", "XA_A", "2024Q4", "", "  "), kehoach.EINVALID, "reason", "lý do"},
				{"unlock without reason", kehoach.ActionUnlockFigures, subChange("BM_BAN", "XA_A", "2024Q4", "", ""), kehoach.EINVALID, "reason", "lý do"},
				{"reason too long", kehoach.ActionReturnFigures, subChange("BM_BAN", "XA_A", "2024Q4", "", strings.Repeat("ạ", kehoach.SubmissionReasonMaxLen+1)), kehoach.EINVALID, "reason", "dài"},
				{"approve a draft", kehoach.ActionApproveFigures, subChange("BM_BAN", "XA_A", "2024Q4", "", ""), kehoach.EINVALID, "", "Bản nháp"},
				{"stale expected status", kehoach.ActionSubmitFigures, subChange("BM_BAN", "XA_A", "2024Q4", kehoach.SubmissionReturned, ""), kehoach.ECONFLICT, "", "Bản nháp"},
			} {
				t.Run(tc.name, func(t *testing.T) {
					_, err := act(ctx, db.db, tc.action, tc.c)
					wantCode(t, err, tc.code)
					if tc.field != "" && kehoach.ErrorFields(err)[tc.field] == "" {
						t.Errorf("no message for field %s: %v", tc.field, err)
					}
					if !strings.Contains(kehoach.ErrorMessage(err), tc.msg) {
						t.Errorf("message %q lacks %q", kehoach.ErrorMessage(err), tc.msg)
					}
				})
			}
			if n := countRows(t, db.db, "submissions"); n != 0 {
				t.Errorf("%d submissions stored by refused changes", n)
			}
			// An agency reports for itself: its grid can be submitted.
			mustAct(t, db.db, kehoach.ActionSubmitFigures, subChange("BM_CANBO", "CQ", "2024", kehoach.SubmissionDraft, ""))
		})
	}
}

// nestedBundle adds to smallBundle a quarterly form whose element both the
// district and its communes report, so that grids nest.
func nestedBundle(t testing.TB) *kehoach.Bundle {
	b := smallBundle(t)
	b.Elements = append(b.Elements, &kehoach.DataElement{Code: "T_SK", Name: "Số sự kiện văn hóa", ShortName: "Sự kiện",
		ValueType: kehoach.TypeInteger, Aggregation: kehoach.AggSum, UnitKinds: []string{kehoach.KindDistrict, kehoach.KindCommune}})
	b.Forms = append(b.Forms, &kehoach.Form{Code: "BM_T", Name: "Sự kiện văn hóa (quý)", PeriodType: "quarterly", CutoffDay: 15, DeadlineDays: 3, Elements: []string{"T_SK"}})
	return b
}

// Approval goes bottom-up: the district's grid waits for every commune
// below it that reports the form.
func TestSubmissionBottomUp(t *testing.T) {
	t.Parallel()
	for _, db := range openDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			if err := db.db.LoadBundle(context.Background(), nestedBundle(t), "test"); err != nil {
				t.Fatal(err)
			}
			save(t, db.db, "BM_T", "2024Q4", vals{"H": {"T_SK": "3"}, "XA_A": {"T_SK": "1"}, "XA_OLD": {"T_SK": "2"}})
			for _, u := range []string{"H", "XA_A"} {
				mustAct(t, db.db, kehoach.ActionSubmitFigures, subChange("BM_T", u, "2024Q4", "", ""))
			}
			_, err := db.db.Approve(actorCtx("duyet", ""), subChange("BM_T", "H", "2024Q4", kehoach.SubmissionSubmitted, ""))
			wantCode(t, err, kehoach.EINVALID)
			msg := kehoach.ErrorMessage(err)
			if !strings.Contains(msg, "Xã An") || !strings.Contains(msg, "Xã Cũ") || !strings.Contains(msg, "2 đơn vị cấp dưới") {
				t.Errorf("message does not name the communes: %q", msg)
			}
			mustAct(t, db.db, kehoach.ActionApproveFigures, subChange("BM_T", "XA_A", "2024Q4", "", ""))
			_, err = db.db.Approve(actorCtx("duyet", ""), subChange("BM_T", "H", "2024Q4", "", ""))
			wantCode(t, err, kehoach.EINVALID)
			if msg := kehoach.ErrorMessage(err); strings.Contains(msg, "Xã An") || !strings.Contains(msg, "Xã Cũ") {
				t.Errorf("message after Xã An's approval: %q", msg)
			}
			mustAct(t, db.db, kehoach.ActionSubmitFigures, subChange("BM_T", "XA_OLD", "2024Q4", "", ""))
			mustAct(t, db.db, kehoach.ActionApproveFigures, subChange("BM_T", "XA_OLD", "2024Q4", "", ""))
			mustAct(t, db.db, kehoach.ActionApproveFigures, subChange("BM_T", "H", "2024Q4", "", ""))
			// Another period is its own matter; the village form is not nested.
			if got := statusOf(t, db.db, "BM_T", "H", "2024Q3"); got != kehoach.SubmissionDraft {
				t.Errorf("2024Q3 status %s", got)
			}
			// The district's lock covers the communes' figures of the form.
			_, err = db.db.SaveFormValues(sysCtx(), kehoach.FormSave{Form: "BM_T", Period: "2024Q4", Values: vals{"XA_A": {"T_SK": "5"}}, By: "x"})
			wantCode(t, err, kehoach.EINVALID)
		})
	}
}

// A submitted or approved grid refuses every change to its figures, its
// own and its villages', through SaveFormValues; other periods, other
// forms and other units are not affected; unlocking re-opens it.
func TestSubmissionLock(t *testing.T) {
	t.Parallel()
	ctx := sysCtx()
	for _, db := range openDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			loadSmall(t, db.db)
			save(t, db.db, "BM_BAN", "2024Q4", vals{"B1": {"BAN_LOA": "true"}, "B2": {"BAN_LOA": "false"}})
			save(t, db.db, "BM_CANBO", "2024", vals{"XA_A": {"CC_TONG": "20"}, "CQ": {"CC_TONG": "12"}})
			c := subChange("BM_BAN", "XA_A", "2024Q4", "", "")
			refused := func(t *testing.T, form, pe string, v vals, want string) {
				t.Helper()
				all := live(t, db.db, kehoach.DataValueFilter{})
				version := dataVersion(t, db.db)
				_, err := db.db.SaveFormValues(ctx, kehoach.FormSave{Form: form, Period: pe, Values: v, By: "x"})
				wantCode(t, err, kehoach.EINVALID)
				if !strings.Contains(kehoach.ErrorMessage(err), want) {
					t.Errorf("message %q lacks %q", kehoach.ErrorMessage(err), want)
				}
				if got := live(t, db.db, kehoach.DataValueFilter{}); !slices.Equal(got, all) {
					t.Errorf("a refused save changed figures:\n%v\nwas %v", got, all)
				}
				if v := dataVersion(t, db.db); v != version {
					t.Errorf("a refused save took version %d (was %d)", v, version)
				}
			}
			allowed := func(t *testing.T, form, pe string, v vals) {
				t.Helper()
				if _, err := db.db.SaveFormValues(ctx, kehoach.FormSave{Form: form, Period: pe, Values: v, By: "x"}); err != nil {
					t.Errorf("save %s %s %v: %v", form, pe, v, err)
				}
			}

			mustAct(t, db.db, kehoach.ActionSubmitFigures, c)
			refused(t, "BM_BAN", "2024Q4", vals{"B1": {"BAN_LOA": "false"}}, "đã gửi duyệt")
			refused(t, "BM_BAN", "2024Q4", vals{"B3": {"BAN_NVH": "true"}}, "đã gửi duyệt") // a new figure too
			refused(t, "BM_BAN", "2024Q4", vals{"B2": {"BAN_LOA": ""}}, "đã gửi duyệt")     // and a removal
			mustAct(t, db.db, kehoach.ActionApproveFigures, c)
			refused(t, "BM_BAN", "2024Q4", vals{"B1": {"BAN_LOA": "false"}}, "Số liệu kỳ Quý IV/2024 của Xã An (Thiết chế văn hóa, truyền thanh thôn, bản (quý)) đã được duyệt và khóa; người phê duyệt có thể mở khóa.")
			// The same figures without the optimistic original are a change
			// request too; with originals equal to what is typed, nothing
			// is asked and nothing is refused.
			if res, err := db.db.SaveFormValues(ctx, kehoach.FormSave{Form: "BM_BAN", Period: "2024Q4", Values: vals{"B1": {"BAN_LOA": "true"}},
				Original: vals{"B1": {"BAN_LOA": "true"}}, By: "x"}); err != nil || res.Imported+res.Updated+res.Deleted != 0 {
				t.Errorf("unchanged grid re-posted: %+v, %v", res, err)
			}

			allowed(t, "BM_BAN", "2024Q3", vals{"B1": {"BAN_LOA": "true"}})    // another period
			allowed(t, "BM_XA", "2024Q4", vals{"XA_A": {"XA_NVH": "true"}})    // another form, same unit and period
			allowed(t, "BM_BAN", "2024Q4", vals{"B_OLD": {"BAN_LOA": "true"}}) // another commune's village

			// An agency's own grid locks its own figures only.
			mustAct(t, db.db, kehoach.ActionSubmitFigures, subChange("BM_CANBO", "CQ", "2024", "", ""))
			refused(t, "BM_CANBO", "2024", vals{"CQ": {"CC_TONG": "13"}}, "Phòng Văn hóa")
			allowed(t, "BM_CANBO", "2024", vals{"XA_A": {"CC_TONG": "21"}})
			// One locked unit in a save refuses the whole save.
			refused(t, "BM_CANBO", "2024", vals{"XA_A": {"CC_TONG": "22"}, "CQ": {"CC_TONG": "13"}}, "Phòng Văn hóa")

			mustAct(t, db.db, kehoach.ActionUnlockFigures, subChange("BM_BAN", "XA_A", "2024Q4", kehoach.SubmissionApproved, "Sửa số liệu bản Một"))
			allowed(t, "BM_BAN", "2024Q4", vals{"B1": {"BAN_LOA": "false"}})
			if got := live(t, db.db, kehoach.DataValueFilter{Units: []string{"B1"}, Periods: []string{"2024Q4"}}); !slices.Equal(got, []string{"B1.BAN_LOA/2024Q4=false"}) {
				t.Errorf("after unlock: %v", got)
			}
			// Returned is editable too.
			mustAct(t, db.db, kehoach.ActionReturnFigures, subChange("BM_CANBO", "CQ", "2024", kehoach.SubmissionSubmitted, "Thiếu số liệu"))
			allowed(t, "BM_CANBO", "2024", vals{"CQ": {"CC_TONG": "13"}})
		})
	}
}

// Every change is recorded with who, from where, from and to which
// status and why, in submission_events and in the audit log.
func TestSubmissionEvents(t *testing.T) {
	t.Parallel()
	for _, db := range openDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			loadSmall(t, db.db)
			save(t, db.db, "BM_BAN", "2024Q4", vals{"B1": {"BAN_LOA": "true"}})
			clock := testClock
			db.db.Now = func() time.Time { return clock }
			step := func(user, addr, action, reason string) {
				t.Helper()
				clock = clock.Add(time.Hour)
				if _, err := act(actorCtx(user, addr), db.db, action, subChange("BM_BAN", "XA_A", "2024Q4", "", reason)); err != nil {
					t.Fatalf("%s: %v", action, err)
				}
			}
			step("bao", "10.0.0.7", kehoach.ActionSubmitFigures, "")
			step("duyet", "10.0.0.9", kehoach.ActionReturnFigures, "Bản Một thiếu loa")
			step("bao", "10.0.0.7", kehoach.ActionSubmitFigures, "")
			step("duyet", "10.0.0.9", kehoach.ActionApproveFigures, "")
			step("duyet", "10.0.0.9", kehoach.ActionUnlockFigures, "Điều chỉnh theo kiểm tra")

			events, err := db.db.FindSubmissionEvents(context.Background(), "BM_BAN", "XA_A", "2024Q4")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for i, e := range events {
				got = append(got, fmt.Sprintf("%s %s %s→%s %q %s %s", e.Actor, e.Address, e.From, e.To, e.Reason, e.Action, e.At.UTC().Format(time.RFC3339)))
				if want := testClock.Add(time.Duration(i+1) * time.Hour); !e.At.Equal(want) {
					t.Errorf("event %d at %v, want %v", i, e.At, want)
				}
			}
			want := []string{
				`bao 10.0.0.7 draft→submitted "" submit 2025-03-14T10:30:00Z`,
				`duyet 10.0.0.9 submitted→returned "Bản Một thiếu loa" return 2025-03-14T11:30:00Z`,
				`bao 10.0.0.7 returned→submitted "" submit 2025-03-14T12:30:00Z`,
				`duyet 10.0.0.9 submitted→approved "" approve 2025-03-14T13:30:00Z`,
				`duyet 10.0.0.9 approved→draft "Điều chỉnh theo kiểm tra" unlock 2025-03-14T14:30:00Z`,
			}
			if !slices.Equal(got, want) {
				t.Errorf("events:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			s, err := db.db.FindSubmission(context.Background(), "BM_BAN", "XA_A", "2024Q4")
			if err != nil {
				t.Fatal(err)
			}
			if s.Status != kehoach.SubmissionDraft || s.Reason != "Điều chỉnh theo kiểm tra" || s.SubmittedBy != "bao" ||
				!s.SubmittedAt.Equal(testClock.Add(3*time.Hour)) || s.DecidedBy != "duyet" || !s.DecidedAt.Equal(testClock.Add(5*time.Hour)) || s.UnitName != "Xã An" {
				t.Errorf("submission = %+v", *s)
			}

			rows, err := db.db.Reader().QueryContext(context.Background(), `SELECT actor, address, action, entity_key, old_value, new_value FROM audit_events WHERE entity = 'submission' ORDER BY id`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var audit []string
			for rows.Next() {
				var actor, addr, action, key, old, new string
				if err := rows.Scan(&actor, &addr, &action, &key, &old, &new); err != nil {
					t.Fatal(err)
				}
				audit = append(audit, strings.Join([]string{actor, addr, action, key, old, new}, " "))
			}
			wantAudit := []string{
				`bao 10.0.0.7 submit BM_BAN/XA_A/2024Q4 {"status":"draft"} {"status":"submitted"}`,
				`duyet 10.0.0.9 return BM_BAN/XA_A/2024Q4 {"status":"submitted"} {"status":"returned","reason":"Bản Một thiếu loa"}`,
				`bao 10.0.0.7 submit BM_BAN/XA_A/2024Q4 {"status":"returned","reason":"Bản Một thiếu loa"} {"status":"submitted"}`,
				`duyet 10.0.0.9 approve BM_BAN/XA_A/2024Q4 {"status":"submitted"} {"status":"approved"}`,
				`duyet 10.0.0.9 unlock BM_BAN/XA_A/2024Q4 {"status":"approved"} {"status":"draft","reason":"Điều chỉnh theo kiểm tra"}`,
			}
			if !slices.Equal(audit, wantAudit) {
				t.Errorf("audit:\n%s\nwant\n%s", strings.Join(audit, "\n"), strings.Join(wantAudit, "\n"))
			}

			list, err := db.db.FindSubmissions(context.Background(), kehoach.SubmissionFilter{Form: "BM_BAN", Units: []string{"H"}})
			if err != nil || len(list) != 1 || list[0].Unit != "XA_A" {
				t.Errorf("FindSubmissions under H = %v, %v", list, err)
			}
			for _, f := range []kehoach.SubmissionFilter{
				{Within: []string{"XA_OLD"}},
				{Within: []string{}},
				{Statuses: []string{kehoach.SubmissionSubmitted}},
				{Period: "2024Q3"},
				{Form: "BM_XA"},
			} {
				if list, err := db.db.FindSubmissions(context.Background(), f); err != nil || len(list) != 0 {
					t.Errorf("FindSubmissions(%+v) = %v, %v; want none", f, list, err)
				}
			}
		})
	}
}

// Completeness and timeliness with a fixed clock: BM_BAN 2024Q4 is due on
// 17/12/2024 (window to 14/12, three days), on time until 23:59:59 in
// Vietnam (16:59:59 UTC).
func TestCompleteness(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, db := range openDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			loadSmall(t, db.db)
			clock := testClock
			db.db.Now = func() time.Time { return clock }
			save(t, db.db, "BM_BAN", "2024Q4", vals{"B1": {"BAN_LOA": "true"}, "B_OLD": {"BAN_LOA": "true"}})
			save(t, db.db, "BM_CANBO", "2024", vals{"XA_A": {"CC_TONG": "20"}, "CQ": {"CC_TONG": "12"}, "XA_OLD": {"CC_TONG": "9"}})

			asOf := time.Date(2025, 1, 5, 10, 0, 0, 0, kehoach.VietnamZone)
			c, err := db.db.Completeness(ctx, kehoach.CompletenessFilter{Form: "BM_BAN", Period: "2024Q4", AsOf: asOf})
			if err != nil {
				t.Fatal(err)
			}
			if c.Deadline != "2024-12-17" || c.Expected != 2 || c.Submitted != 0 || c.OnTime != 0 || c.CompletenessRate != 0 {
				t.Errorf("before anyone submits: %+v", *c)
			}
			for _, u := range c.Units {
				if u.Reported || u.DaysLate != 19 {
					t.Errorf("unit %s: reported %v, %d days late; want 19 (17/12 → 05/01)", u.Unit, u.Reported, u.DaysLate)
				}
			}

			clock = time.Date(2024, 12, 17, 16, 59, 59, 0, time.UTC) // 23:59:59 in Vietnam
			mustAct(t, db.db, kehoach.ActionSubmitFigures, subChange("BM_BAN", "XA_A", "2024Q4", "", ""))
			clock = time.Date(2024, 12, 17, 17, 0, 0, 0, time.UTC) // 00:00 on the 18th
			mustAct(t, db.db, kehoach.ActionSubmitFigures, subChange("BM_BAN", "XA_OLD", "2024Q4", "", ""))
			c, err = db.db.Completeness(ctx, kehoach.CompletenessFilter{Form: "BM_BAN", Period: "2024Q4", Parent: "LC", AsOf: asOf})
			if err != nil {
				t.Fatal(err)
			}
			if c.Expected != 2 || c.Submitted != 2 || c.OnTime != 1 || c.CompletenessRate != 100 || c.OnTimeRate != 50 || c.ParentName != "Tỉnh Lai Châu" {
				t.Errorf("after both submitted: %+v", *c)
			}
			got := map[string]string{}
			for _, u := range c.Units {
				got[u.Unit] = fmt.Sprintf("%s %v %v %d %s", u.Status, u.Reported, u.OnTime, u.DaysLate, u.SubmittedBy)
			}
			if got["XA_A"] != "submitted true true 0 thu" || got["XA_OLD"] != "submitted true false 1 thu" {
				t.Errorf("units: %v", got)
			}

			// Returned counts as not reported, and is listed first.
			clock = testClock
			mustAct(t, db.db, kehoach.ActionReturnFigures, subChange("BM_BAN", "XA_OLD", "2024Q4", "", "Thiếu"))
			c, err = db.db.Completeness(ctx, kehoach.CompletenessFilter{Form: "BM_BAN", Period: "2024Q4"})
			if err != nil {
				t.Fatal(err)
			}
			if c.Submitted != 1 || c.OnTime != 1 || c.CompletenessRate != 50 || c.OnTimeRate != 50 || len(c.Units) != 2 ||
				c.Units[0].Unit != "XA_OLD" || c.Units[0].Reported || c.Units[0].Status != kehoach.SubmissionReturned || c.Units[0].DaysLate != 87 {
				t.Errorf("after the return (as of the store's clock, 14/03/2025: 87 days late): %+v, first %+v", *c, *c.Units[0])
			}

			// Scope and parent narrow the count; the grid owners of a
			// village form are the communes, of the cadre form the
			// communes and the agency (not the district).
			for _, tc := range []struct {
				f    kehoach.CompletenessFilter
				want []string
			}{
				{kehoach.CompletenessFilter{Form: "BM_BAN", Period: "2024Q4", Within: []string{"XA_OLD"}}, []string{"XA_OLD"}},
				{kehoach.CompletenessFilter{Form: "BM_BAN", Period: "2024Q4", Within: []string{}}, nil},
				{kehoach.CompletenessFilter{Form: "BM_BAN", Period: "2024Q4", Parent: "XA_A"}, []string{"XA_A"}},
				{kehoach.CompletenessFilter{Form: "BM_BAN", Period: "2024Q4", Parent: "B1"}, nil},
				{kehoach.CompletenessFilter{Form: "BM_BAN", Period: "2025Q4"}, []string{"XA_A"}}, // Xã Cũ ends 30/06/2025
				{kehoach.CompletenessFilter{Form: "BM_CANBO", Period: "2024"}, []string{"CQ", "XA_A", "XA_OLD"}},
				{kehoach.CompletenessFilter{Form: "BM_XA", Period: "2024Q4", Parent: "H"}, []string{"XA_A", "XA_OLD"}},
			} {
				c, err := db.db.Completeness(ctx, tc.f)
				if err != nil {
					t.Errorf("%+v: %v", tc.f, err)
					continue
				}
				var units []string
				for _, u := range c.Units {
					units = append(units, u.Unit)
				}
				slices.Sort(units)
				if !slices.Equal(units, tc.want) || c.Expected != len(tc.want) {
					t.Errorf("%+v: units %v (expected %d), want %v", tc.f, units, c.Expected, tc.want)
				}
			}
			for _, tc := range []struct {
				f    kehoach.CompletenessFilter
				code string
			}{
				{kehoach.CompletenessFilter{Form: "BM_NONE", Period: "2024Q4"}, kehoach.ENOTFOUND},
				{kehoach.CompletenessFilter{Form: "BM_BAN", Period: "2024"}, kehoach.EINVALID},
				{kehoach.CompletenessFilter{Form: "BM_BAN", Period: "2024Q4", Parent: "NONE"}, kehoach.ENOTFOUND},
			} {
				_, err := db.db.Completeness(ctx, tc.f)
				wantCode(t, err, tc.code)
			}
		})
	}
}

// Approvers acting at once on the same grid: exactly one wins, the others
// are told someone acted meanwhile (ECONFLICT) and record nothing.
func TestSubmissionConcurrent(t *testing.T) {
	t.Parallel()
	for _, db := range openDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			loadSmall(t, db.db)
			save(t, db.db, "BM_BAN", "2024Q4", vals{"B1": {"BAN_LOA": "true"}})
			const n = 8
			for _, step := range []struct{ action, expected string }{
				{kehoach.ActionSubmitFigures, kehoach.SubmissionDraft}, // the first row is inserted
				{kehoach.ActionApproveFigures, kehoach.SubmissionSubmitted},
			} {
				errs := make(chan error, n)
				var wg sync.WaitGroup
				for i := range n {
					wg.Go(func() {
						// Approvers are not the submitters (SelfApproval).
						_, err := act(actorCtx(fmt.Sprintf("%s%d", step.action, i), ""), db.db, step.action, subChange("BM_BAN", "XA_A", "2024Q4", step.expected, ""))
						errs <- err
					})
				}
				wg.Wait()
				close(errs)
				ok := 0
				for err := range errs {
					switch kehoach.ErrorCode(err) {
					case "":
						ok++
					case kehoach.ECONFLICT:
					default:
						t.Errorf("%s: %v", step.action, err)
					}
				}
				if ok != 1 {
					t.Errorf("%s: %d succeeded, want 1", step.action, ok)
				}
			}
			if got := countRows(t, db.db, "submission_events"); got != 2 {
				t.Errorf("%d events, want 2", got)
			}
		})
	}
}

// Approver ≠ submitter: the user who submitted a grid may not approve it
// (EFORBIDDEN, nothing recorded), whatever their role, unless the store
// allows self-approval; the latest submitter is the one that counts.
func TestSubmissionSelfApproval(t *testing.T) {
	t.Parallel()
	for _, db := range openDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			loadSmall(t, db.db)
			if db.db.SelfApprovalAllowed() {
				t.Fatal("a new store allows self-approval")
			}
			grid := func(pe string) kehoach.SubmissionChange { return subChange("BM_BAN", "XA_A", pe, "", "") }
			run := func(user, action string, c kehoach.SubmissionChange) error {
				_, err := act(actorCtx(user, "10.0.0.1"), db.db, action, c)
				return err
			}
			for _, pe := range []string{"2024Q1", "2024Q2", "2024Q3", "2024Q4"} {
				save(t, db.db, "BM_BAN", pe, vals{"B1": {"BAN_LOA": "true"}})
			}

			// 1. The administrator submits, then tries to approve.
			if err := run("admin", kehoach.ActionSubmitFigures, grid("2024Q1")); err != nil {
				t.Fatal(err)
			}
			before := countRows(t, db.db, "submission_events")
			err := run("admin", kehoach.ActionApproveFigures, grid("2024Q1"))
			wantCode(t, err, kehoach.EFORBIDDEN)
			if msg := kehoach.ErrorMessage(err); !strings.Contains(msg, "không thể tự duyệt") || !strings.Contains(msg, "admin") {
				t.Errorf("message %q does not say the submitter cannot approve", msg)
			}
			if got := statusOf(t, db.db, "BM_BAN", "XA_A", "2024Q1"); got != kehoach.SubmissionSubmitted {
				t.Errorf("refused self-approval left status %s", got)
			}
			if after := countRows(t, db.db, "submission_events"); after != before {
				t.Errorf("refused self-approval recorded %d events", after-before)
			}
			// Someone else may approve it.
			if err := run("duyet", kehoach.ActionApproveFigures, grid("2024Q1")); err != nil {
				t.Errorf("another approver: %v", err)
			}

			// 2. The submitter may still take the grid back (return).
			if err := run("thu", kehoach.ActionSubmitFigures, grid("2024Q2")); err != nil {
				t.Fatal(err)
			}
			if err := run("thu", kehoach.ActionReturnFigures, subChange("BM_BAN", "XA_A", "2024Q2", "", "gửi nhầm")); err != nil {
				t.Errorf("submitter's return: %v", err)
			}

			// 3. The latest submitter counts: thu submitted first, duyet
			// resubmitted after a return; thu may approve, duyet not.
			for _, step := range []struct{ user, action, reason string }{
				{"thu", kehoach.ActionSubmitFigures, ""},
				{"duyet", kehoach.ActionReturnFigures, "thiếu"},
				{"duyet", kehoach.ActionSubmitFigures, ""},
			} {
				if err := run(step.user, step.action, subChange("BM_BAN", "XA_A", "2024Q3", "", step.reason)); err != nil {
					t.Fatalf("%s %s: %v", step.user, step.action, err)
				}
			}
			wantCode(t, run("duyet", kehoach.ActionApproveFigures, grid("2024Q3")), kehoach.EFORBIDDEN)
			if err := run("thu", kehoach.ActionApproveFigures, grid("2024Q3")); err != nil {
				t.Errorf("first submitter approving another's resubmission: %v", err)
			}

			// 4. With the setting off, the administrator may approve what
			// they submitted.
			db.db.AllowSelfApproval = true
			if !db.db.SelfApprovalAllowed() {
				t.Error("SelfApprovalAllowed() = false after allowing it")
			}
			if err := run("admin", kehoach.ActionSubmitFigures, grid("2024Q4")); err != nil {
				t.Fatal(err)
			}
			if err := run("admin", kehoach.ActionApproveFigures, grid("2024Q4")); err != nil {
				t.Errorf("self-approval allowed: %v", err)
			}
			if got := statusOf(t, db.db, "BM_BAN", "XA_A", "2024Q4"); got != kehoach.SubmissionApproved {
				t.Errorf("allowed self-approval left status %s", got)
			}
		})
	}
}
