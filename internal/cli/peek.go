package cli

import (
	"bufio"
	"io"
)

// peeker lets a command look at a file's first bytes (to tell its format)
// and still read it whole.
type peeker struct{ *bufio.Reader }

func newPeek(r io.Reader) peeker { return peeker{bufio.NewReaderSize(r, 64<<10)} }

func (p peeker) peek(n int) []byte {
	b, _ := p.Peek(n)
	return b
}
