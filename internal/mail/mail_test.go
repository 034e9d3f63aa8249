package mail

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"io"
	"math/big"
	"mime/quotedprintable"
	"net"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"

	"kehoach"
)

// smtpServer is a small but real SMTP server on loopback for the tests:
// EHLO, STARTTLS (with a certificate of its own), AUTH PLAIN, MAIL, RCPT,
// DATA, QUIT. It records what each session did.
type smtpServer struct {
	ln       net.Listener
	tls      *tls.Config
	startTLS bool // offer STARTTLS
	mu       sync.Mutex
	got      []received
}

type received struct {
	tls      bool
	auth     string
	from     string
	to       []string
	data     string
	commands []string
}

func newSMTPServer(t *testing.T, offerTLS bool) (*smtpServer, *x509.CertPool) {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpServer{ln: ln, startTLS: offerTLS, tls: &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}}
	go s.serve()
	t.Cleanup(func() { ln.Close() })
	return s, pool
}

func (s *smtpServer) serve() {
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		go s.session(c)
	}
}

func (s *smtpServer) session(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	var r received
	tp := textproto.NewConn(c)
	tp.PrintfLine("220 test ESMTP")
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb := strings.ToUpper(strings.Fields(line + " x")[0])
		r.commands = append(r.commands, verb)
		switch {
		case verb == "EHLO" || verb == "HELO":
			tp.PrintfLine("250-test")
			if s.startTLS && !r.tls {
				tp.PrintfLine("250-STARTTLS")
			}
			tp.PrintfLine("250 AUTH PLAIN")
		case verb == "STARTTLS":
			tp.PrintfLine("220 go ahead")
			tc := tls.Server(c, s.tls)
			if err := tc.Handshake(); err != nil {
				return
			}
			c, tp, r.tls = tc, textproto.NewConn(tc), true
		case verb == "AUTH":
			f := strings.Fields(line)
			b, _ := base64.StdEncoding.DecodeString(f[len(f)-1])
			r.auth = strings.ReplaceAll(string(b), "\x00", "|")
			tp.PrintfLine("235 ok")
		case verb == "MAIL":
			r.from = line
			tp.PrintfLine("250 ok")
		case verb == "RCPT":
			r.to = append(r.to, line)
			tp.PrintfLine("250 ok")
		case verb == "DATA":
			tp.PrintfLine("354 go")
			b, err := io.ReadAll(tp.DotReader())
			if err != nil {
				return
			}
			r.data = string(b)
			tp.PrintfLine("250 queued")
		case verb == "QUIT":
			// Kept before the reply: the client may return as soon as it
			// reads 221, and the test looks at once.
			s.mu.Lock()
			s.got = append(s.got, r)
			s.mu.Unlock()
			tp.PrintfLine("221 bye")
			return
		default:
			tp.PrintfLine("502 unknown")
		}
	}
}

func (s *smtpServer) received() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.got...)
}

func testReminders() *kehoach.Reminders {
	return kehoach.BuildReminders("XA_BANBO", []kehoach.Occurrence{
		{TaskCode: "III.11.BANBO", Key: "2024", Title: "Xây dựng kế hoạch", State: kehoach.TaskOverdue, Due: "2024-12-31", Start: "2024-01-01", Returned: true, Reason: "Thiếu số văn bản"},
		{TaskCode: "2.1.2", Key: "2025", Title: "Nâng cấp trạm truyền thanh", State: kehoach.TaskNotStarted, Due: "2025-03-20", Start: "2025-01-01"},
	}, nil, "2025-03-10", 14)
}

func TestDigestOverSTARTTLS(t *testing.T) {
	srv, pool := newSMTPServer(t, true)
	rem := testReminders()
	rem.UnitName = "Bản Bo"
	cfg := Config{Addr: srv.ln.Addr().String(), Username: "kehoach", Password: "bí-mật", From: "Kế hoạch <kehoach@example.vn>",
		TLS: &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}, RequireTLS: true}
	msg := Digest(rem, []string{"vanhoa.banbo@example.vn"}, "https://kehoach.example.vn")
	if err := Send(context.Background(), cfg, msg); err != nil {
		t.Fatal(err)
	}
	got := srv.received()
	if len(got) != 1 {
		t.Fatalf("%d sessions", len(got))
	}
	r := got[0]
	if !r.tls || r.auth != "|kehoach|bí-mật" || !strings.Contains(r.from, "<kehoach@example.vn>") || len(r.to) != 1 {
		t.Errorf("session %+v", r)
	}
	head, body, _ := strings.Cut(strings.ReplaceAll(r.data, "\r\n", "\n"), "\n\n")
	if !strings.Contains(head, "Subject: =?utf-8?q?") || !strings.Contains(head, "charset=utf-8") {
		t.Errorf("headers:\n%s", head)
	}
	plain, err := io.ReadAll(quotedprintable.NewReader(strings.NewReader(body)))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(string(plain), "\r\n", "\n")
	for _, l := range DigestLines(rem) {
		if !strings.Contains(text, l) {
			t.Errorf("digest lacks %q:\n%s", l, text)
		}
	}
	for _, want := range []string{"III.11.BANBO năm 2024", "Thiếu số văn bản", "2.1.2 năm 2025", "/tasks/mine?unit=XA_BANBO"} {
		if !strings.Contains(text, want) {
			t.Errorf("digest lacks %q", want)
		}
	}
}

func TestNoSTARTTLS(t *testing.T) {
	srv, _ := newSMTPServer(t, false)
	cfg := Config{Addr: srv.ln.Addr().String(), From: "kehoach@example.vn", RequireTLS: true}
	if err := Send(context.Background(), cfg, Digest(testReminders(), []string{"a@example.vn"}, "")); err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Errorf("sent without TLS although required: %v", err)
	}
	// Without RequireTLS it sends in clear to a server that offers no TLS.
	cfg.RequireTLS = false
	if err := Send(context.Background(), cfg, Digest(testReminders(), []string{"a@example.vn"}, "")); err != nil {
		t.Fatal(err)
	}
	if got := srv.received(); len(got) != 1 || got[0].tls {
		t.Errorf("sessions %+v", got)
	}
}

func TestParseURL(t *testing.T) {
	c, err := ParseURL("smtp://u:p%40ss@mail.example.vn?from=kehoach@example.vn&requiretls=true")
	if err != nil || c.Addr != "mail.example.vn:587" || c.Password != "p@ss" || !c.RequireTLS {
		t.Errorf("%+v %v", c, err)
	}
	for _, bad := range []string{"http://x", "smtp://host", "smtp://host?from=không-phải-địa-chỉ"} {
		if _, err := ParseURL(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}
