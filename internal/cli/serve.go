package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"

	"kehoach"
	"kehoach/internal/app"
	"kehoach/internal/locale"
)

// serveCommand is `kehoach serve [--addr 127.0.0.1:8080] [--db URL]
// [--demo] [--secure-cookies] [--allow-self-approval]`: it runs the web server until Ctrl-C.
func serveCommand(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet("serve", env)
	addr := fs.String("addr", "127.0.0.1:8080", "địa chỉ lắng nghe `MÁY:CỔNG`; 127.0.0.1 chỉ máy này vào được, 0.0.0.0 cho các máy khác trong mạng cơ quan")
	db := dbFlag(fs, env)
	demo := fs.Bool("demo", false, "nạp dữ liệu minh họa vào cơ sở dữ liệu trống")
	secure := fs.Bool("secure-cookies", false, "đánh dấu cookie phiên là Secure (khi chạy sau proxy HTTPS)")
	selfApproval := fs.Bool("allow-self-approval", false, "cho phép người đã gửi báo cáo tự phê duyệt (mặc định: cần người thứ hai)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(env.Stderr, nil))
	s := &app.Server{Addr: *addr, DB: *db, Log: log, Out: env.Stdout, Now: env.Now,
		// The default file is the newcomer's first run: give them the demo.
		Demo: *demo || *db == app.DefaultDB, SecureCookies: *secure, AllowSelfApproval: *selfApproval}
	if err := s.Open(ctx); err != nil {
		return listenText(err)
	}
	defer s.Close()
	w := env.Stdout
	fmt.Fprintf(w, "kehoach đang chạy tại %s (cơ sở dữ liệu %s)\n", s.URL(), redact(*db))
	fmt.Fprintln(w, reachText(s.URL(), s.AllInterfaces()))
	if len(s.DemoAccounts) > 0 {
		fmt.Fprintf(w, "Đã nạp dữ liệu minh họa và tạo các tài khoản dùng thử (mật khẩu chỉ hiện lần này; quên thì đặt lại bằng kehoach user password --username TÊN):\n")
		for _, a := range s.DemoAccounts {
			unit := ""
			if a.Unit != "" {
				unit = " · " + a.Unit
			}
			fmt.Fprintf(w, "  %-16s %-28s %s%s\n", a.Username, a.Password, locale.VI.Role(a.Role), unit)
		}
	}
	if has, err := hasAdmin(ctx, s); err != nil {
		return err
	} else if !has {
		fmt.Fprintf(w, "Chưa có tài khoản quản trị. Tạo tài khoản đầu tiên: kehoach user add --username ten --role admin --all-units --password-stdin\n")
	}
	fmt.Fprintf(w, "Nhấn Ctrl-C để dừng.\n")
	err := s.Run(ctx)
	fmt.Fprintln(w, "kehoach đã dừng.")
	return err
}

// hasAdmin reports whether the database has an enabled administrator.
func hasAdmin(ctx context.Context, s *app.Server) (bool, error) {
	admins, err := s.Store().FindUsers(ctx, kehoach.UserFilter{Role: kehoach.RoleAdmin})
	if err != nil {
		return false, err
	}
	for _, u := range admins {
		if !u.Disabled {
			return true, nil
		}
	}
	return false, nil
}

// listenText says in Vietnamese why the server could not listen.
func listenText(err error) error {
	var le *app.ListenError
	if !errors.As(err, &le) {
		return err
	}
	if le.InUse() {
		return fmt.Errorf("địa chỉ %s đang có chương trình khác dùng (có thể là một kehoach khác đang chạy): dừng chương trình đó, hoặc chọn cổng khác bằng --addr, ví dụ --addr %s",
			le.Addr, otherPort(le.Addr))
	}
	return fmt.Errorf("không lắng nghe được trên địa chỉ %s (%v): --addr viết dạng máy:cổng, ví dụ --addr 127.0.0.1:8080", le.Addr, le.Err)
}

// otherPort suggests the next port on the same host.
func otherPort(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		return "127.0.0.1:8081"
	}
	var p int
	if _, err := fmt.Sscan(port, &p); err != nil || p <= 0 || p >= 65535 {
		return net.JoinHostPort(host, "8081")
	}
	return net.JoinHostPort(host, fmt.Sprint(p+1))
}

// reachText tells how the other computers of the office reach the server
// at url, which listens on every interface when all is true.
func reachText(url string, all bool) string {
	host, port, err := net.SplitHostPort(strings.TrimPrefix(url, "http://"))
	if err != nil {
		return ""
	}
	if all {
		if lan := lanAddrs(); len(lan) > 0 {
			urls := make([]string, len(lan))
			for i, a := range lan {
				urls[i] = "http://" + net.JoinHostPort(a, port)
			}
			return "Các máy khác trong cơ quan vào bằng: " + strings.Join(urls, " hoặc ")
		}
		return "Các máy khác trong cơ quan vào bằng địa chỉ IP của máy này, cổng " + port + "."
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() || host == "localhost" {
		return "Chỉ máy này vào được. Để các máy khác trong cơ quan vào: chạy với --addr 0.0.0.0:" + port + " rồi mở http://ĐỊA-CHỈ-MÁY-NÀY:" + port
	}
	return "Các máy khác trong cơ quan vào bằng địa chỉ trên."
}

// lanAddrs lists this machine's IPv4 addresses other than loopback, at
// most three.
func lanAddrs() []string {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return nil
	}
	var out []string
	for _, a := range addrs {
		n, ok := a.(*net.IPNet)
		if !ok || n.IP.IsLoopback() || n.IP.To4() == nil || n.IP.IsLinkLocalUnicast() {
			continue
		}
		out = append(out, n.IP.String())
		if len(out) == 3 {
			break
		}
	}
	return out
}
