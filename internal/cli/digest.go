package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"kehoach"
	"kehoach/internal/mail"
)

// digestCommand is `kehoach digest` (issue 11): the e-mail digest of a
// unit's reminders (what "my tasks" shows), sent over SMTP, or printed
// with --print. A scheduler (cron, a systemd timer) runs it daily.
func digestCommand(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet("digest", env)
	unit := fs.String("unit", "", "mã đơn vị")
	to := fs.String("to", "", "địa chỉ thư người nhận, cách nhau bởi dấu phẩy")
	days := fs.Int("days", kehoach.ReminderDaysDefault, "nhắc việc đến hạn trong chừng này ngày")
	smtpURL := fs.String("smtp", env.Getenv("KEHOACH_SMTP"), "máy chủ thư smtp://tên:mật-khẩu@máy:cổng?from=địa-chỉ (hoặc biến KEHOACH_SMTP)")
	base := fs.String("base", env.Getenv("KEHOACH_BASE_URL"), "địa chỉ trang web cho đường dẫn trong thư")
	print := fs.Bool("print", false, "in thư ra màn hình thay vì gửi")
	db := dbFlag(fs, env)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if strings.TrimSpace(*unit) == "" {
		return usagef("cần --unit (mã đơn vị)")
	}
	if *days < 1 || *days > 366 {
		return usagef("--days phải từ 1 đến 366")
	}
	var cfg mail.Config
	var rcpt []string
	if !*print {
		if *smtpURL == "" {
			return usagef("cần --smtp (hoặc KEHOACH_SMTP), hoặc --print để chỉ in thư")
		}
		var err error
		if cfg, err = mail.ParseURL(*smtpURL); err != nil {
			return usagef("--smtp: %v", err)
		}
		for _, a := range strings.Split(*to, ",") {
			if a = strings.TrimSpace(a); a != "" {
				rcpt = append(rcpt, a)
			}
		}
		if len(rcpt) == 0 {
			return usagef("cần --to (địa chỉ người nhận)")
		}
	}
	store, err := openDB(ctx, env, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	now := clockOf(env)
	ctx = kehoach.NewContextWithActor(ctx, cliActor)
	svc := services(store, nil)
	rem, err := kehoach.UnitReminders(ctx, svc, *unit, *days, kehoach.DateOf(now.In(kehoach.VietnamZone)))
	if err != nil {
		return err
	}
	msg := mail.Digest(rem, rcpt, *base)
	if *print {
		fmt.Fprintf(env.Stdout, "Subject: %s\n\n%s", msg.Subject, msg.Body)
		return nil
	}
	cfg.Timeout = 30 * time.Second
	if err := mail.Send(ctx, cfg, msg); err != nil {
		return errors.New("không gửi được thư: " + err.Error())
	}
	fmt.Fprintf(env.Stderr, "Đã gửi thư nhắc việc của %s tới %s.\n", rem.UnitName, strings.Join(rcpt, ", "))
	return nil
}
