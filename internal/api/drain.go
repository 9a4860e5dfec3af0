package api

import (
	"io"
	"net/http"
	"strings"
)

// drainBody reads and discards the rest of a body that is too large, read
// bytes of which have been read already, until Limits.MaxDrainBytes have
// been read in all. net/http closes a connection whose body was not read;
// a client that sends its whole body before it reads the answer then sees
// a reset connection instead of the 413. Once drained, the connection
// stays usable. A body that is longer than MaxDrainBytes (as announced or
// as read), or whose client waits for "100 Continue" before sending it, is
// not drained: its answer closes the connection.
func (s *server) drainBody(w http.ResponseWriter, r *http.Request, read int64) {
	limit := s.limits.MaxDrainBytes
	if r.ContentLength > limit || strings.EqualFold(r.Header.Get("Expect"), "100-continue") {
		w.Header().Set("Connection", "close")
		return
	}
	// One byte more than the limit allows tells a body of exactly
	// MaxDrainBytes (drained: EOF after it) from a longer one.
	if _, err := io.CopyN(io.Discard, r.Body, limit-read+1); err != io.EOF {
		w.Header().Set("Connection", "close") // longer still, or a read error
	}
}
