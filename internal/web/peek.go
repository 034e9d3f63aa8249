package web

import (
	"bufio"
	"io"
)

// peekReader lets a handler look at the first bytes of a body (to tell a
// format) and still read it whole.
type peekReader struct{ *bufio.Reader }

func newPeekReader(r io.Reader) peekReader { return peekReader{bufio.NewReaderSize(r, 64<<10)} }

// peek returns up to n first bytes, fewer when the body is shorter.
func (p peekReader) peek(n int) []byte {
	b, _ := p.Peek(n)
	return b
}
