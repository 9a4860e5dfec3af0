package api

import (
	"bufio"
	"encoding/json"
	"fmt"
	"hoplab/internal/live/livetest"
	"hoplab/internal/scenario"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestNaiveClientGets413 plays a client that writes a whole request with a
// 9 MiB body before it reads anything, over a raw TCP connection: it must
// read the 413 JSON answer, not a reset, and can then use the connection
// again. A body beyond the drain bound is answered at once, closing the
// connection.
func TestNaiveClientGets413(t *testing.T) {
	ts := httptest.NewServer(newTestServer(t, scenario.Limits{}).routes(nil))
	defer ts.Close()
	big := `{"memories": [[` + strings.Repeat("0,", 9<<19) + `1]]}` // 9 MiB
	chunked := fmt.Sprintf("%x\r\n%s\r\n0\r\n\r\n", len(big), big)
	// A body of exactly the drain bound is drained too.
	exact := `{"memories": [[` + strings.Repeat("0", 16<<20-len(`{"memories": [[]]}`)) + `]]}`
	for _, tc := range []struct {
		name, headers, body string
	}{
		{"Content-Length", fmt.Sprintf("Content-Length: %d\r\n", len(big)), big},
		{"chunked", "Transfer-Encoding: chunked\r\n", chunked},
		{"exactly 16 MiB", fmt.Sprintf("Content-Length: %d\r\n", len(exact)), exact},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", ts.Listener.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			conn.SetDeadline(time.Now().Add(livetest.Timeout)) // a guard against a hang, not a budget
			req := "POST /api/v1/run HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" + tc.headers + "\r\n" + tc.body
			if _, err := io.WriteString(conn, req); err != nil {
				t.Fatalf("writing the whole request: %v", err)
			}
			br := bufio.NewReader(conn)
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatalf("reading the answer: %v", err)
			}
			var e errorBody
			err = json.NewDecoder(resp.Body).Decode(&e)
			resp.Body.Close()
			if resp.StatusCode != http.StatusRequestEntityTooLarge || err != nil || e.Error.Code != codeBodyTooLarge {
				t.Fatalf("answer %s, %+v (%v); want 413 body_too_large", resp.Status, e, err)
			}
			// The body was read to its end: the connection serves again.
			io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
			resp, err = http.ReadResponse(br, nil)
			if err != nil || resp.StatusCode != http.StatusOK {
				t.Fatalf("the next request on the connection: %v %v", resp, err)
			}
			resp.Body.Close()
		})
	}

	// 20 MiB announced: beyond the drain bound, the 413 comes at once.
	conn, err := net.Dial("tcp", ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(livetest.Timeout))
	io.WriteString(conn, "POST /api/v1/run HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 20971520\r\n\r\n{")
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil || resp.StatusCode != http.StatusRequestEntityTooLarge || !resp.Close {
		t.Fatalf("a 20 MiB body: %v %v, want 413 closing the connection", resp, err)
	}
}
