// Package mail sends kehoach's e-mail: the reminder digest of a unit, over
// SMTP with STARTTLS whenever the server offers it. It uses only the
// standard library's SMTP client; nothing is sent unless a server is
// configured.
package mail

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/url"
	"strings"
	"time"
)

// Config is an SMTP server to send through.
type Config struct {
	// Addr is host:port (port 587 for submission, 25 for relay).
	Addr string
	// Username and Password, when set, authenticate with AUTH PLAIN, which
	// the client refuses to send in clear to any host but localhost.
	Username, Password string
	// From is the sender address ("Kế hoạch <kehoach@ubnd.gov.vn>").
	From string
	// TLS configures STARTTLS; nil verifies the server's certificate
	// against the system's roots for the host of Addr.
	TLS *tls.Config
	// RequireTLS refuses to send when the server does not offer STARTTLS.
	RequireTLS bool
	// Timeout bounds one whole send; zero means 30 s.
	Timeout time.Duration
}

// ParseURL reads a Config from "smtp://user:pass@host:port?from=…&requiretls=true".
func ParseURL(raw string) (Config, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "smtp" || u.Host == "" {
		return Config{}, fmt.Errorf("địa chỉ máy chủ thư %q không hợp lệ (cần smtp://tên:mật-khẩu@máy:cổng?from=địa-chỉ)", raw)
	}
	c := Config{Addr: u.Host, From: u.Query().Get("from"), RequireTLS: u.Query().Get("requiretls") == "true"}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		c.Addr = net.JoinHostPort(c.Addr, "587")
	}
	if u.User != nil {
		c.Username = u.User.Username()
		c.Password, _ = u.User.Password()
	}
	if _, err := mail.ParseAddress(c.From); err != nil {
		return Config{}, fmt.Errorf("thiếu hoặc sai địa chỉ người gửi (from=…): %v", err)
	}
	return c, nil
}

// Message is one plain-text e-mail.
type Message struct {
	To      []string
	Subject string
	Body    string
}

// bytes renders m as RFC 5322 with a UTF-8 subject (RFC 2047) and a
// quoted-printable UTF-8 body, so that Vietnamese survives any relay.
func (m Message) bytes(from string, now time.Time) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\n", from, strings.Join(m.To, ", "),
		mime.QEncoding.Encode("utf-8", m.Subject), now.Format(time.RFC1123Z))
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
	qp := quotedprintable.NewWriter(&b)
	qp.Write([]byte(strings.ReplaceAll(m.Body, "\n", "\r\n")))
	qp.Close()
	return b.Bytes()
}

// Send delivers m through the server of c. It says STARTTLS when the
// server offers it (or fails when RequireTLS and it does not), then
// authenticates when a username is set.
func Send(ctx context.Context, c Config, m Message) error {
	if len(m.To) == 0 {
		return errors.New("mail: no recipient")
	}
	timeout := c.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	host, _, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return fmt.Errorf("mail: %w", err)
	}
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", c.Addr)
	if err != nil {
		return fmt.Errorf("mail: connect %s: %w", c.Addr, err)
	}
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	cl, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("mail: %w", err)
	}
	defer cl.Close()
	if err := cl.Hello("kehoach"); err != nil {
		return fmt.Errorf("mail: EHLO: %w", err)
	}
	if ok, _ := cl.Extension("STARTTLS"); ok {
		cfg := c.TLS
		if cfg == nil {
			cfg = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
		}
		if err := cl.StartTLS(cfg); err != nil {
			return fmt.Errorf("mail: STARTTLS: %w", err)
		}
	} else if c.RequireTLS {
		return fmt.Errorf("mail: %s does not offer STARTTLS", c.Addr)
	}
	if c.Username != "" {
		if err := cl.Auth(smtp.PlainAuth("", c.Username, c.Password, host)); err != nil {
			return fmt.Errorf("mail: AUTH: %w", err)
		}
	}
	from, err := mail.ParseAddress(c.From)
	if err != nil {
		return fmt.Errorf("mail: from: %w", err)
	}
	if err := cl.Mail(from.Address); err != nil {
		return fmt.Errorf("mail: MAIL FROM: %w", err)
	}
	for _, to := range m.To {
		a, err := mail.ParseAddress(to)
		if err != nil {
			return fmt.Errorf("mail: to %q: %w", to, err)
		}
		if err := cl.Rcpt(a.Address); err != nil {
			return fmt.Errorf("mail: RCPT TO %s: %w", a.Address, err)
		}
	}
	w, err := cl.Data()
	if err != nil {
		return fmt.Errorf("mail: DATA: %w", err)
	}
	if _, err := w.Write(m.bytes(c.From, time.Now())); err != nil {
		return fmt.Errorf("mail: DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("mail: DATA: %w", err)
	}
	return cl.Quit()
}
